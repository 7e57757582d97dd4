// The usage dashboard's only script: the Refresh button asks the extension for fresh figures.
(function () {
  const vscode = acquireVsCodeApi();
  const button = document.getElementById('refresh');
  if (button) {
    button.addEventListener('click', () => {
      button.disabled = true;
      button.textContent = 'Refreshing…';
      vscode.postMessage({ type: 'refresh' });
    });
  }
})();
