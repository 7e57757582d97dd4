// The consent view's only script: Connect (with the conflicts ticked to fix) or Cancel.
(function () {
  const vscode = acquireVsCodeApi();
  document.getElementById('connect').addEventListener('click', () => {
    const fixes = Array.from(document.querySelectorAll('input.fix:checked')).map((box) => box.value);
    vscode.postMessage({ type: 'connect', fixes });
  });
  document.getElementById('cancel').addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
})();
