// npm run settings: writes package.json's `contributes.configuration.properties` and
// src/config/orgDefaults.schema.json from the settings table (src/config/settings.ts). A unit
// test (test/unit/settings.test.ts) fails when either differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { contributedProperties, orgDefaultsSchema } from '../../src/config/contribution';
import { ROOT } from './paths';

const manifestFile = path.join(ROOT, 'package.json');
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { contributes: { configuration: { properties: unknown } } };
manifest.contributes.configuration.properties = contributedProperties();
writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(path.join(ROOT, 'src', 'config', 'orgDefaults.schema.json'), `${JSON.stringify(orgDefaultsSchema(), null, 2)}\n`);
process.stdout.write('Wrote the settings into package.json and src/config/orgDefaults.schema.json.\n');
