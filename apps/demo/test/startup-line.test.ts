import { appendFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { startService } from '../src/service.js';
import { testConfig } from './helpers/config.js';
import { http } from './helpers/http.js';
import { tempDir } from './helpers/temp-dir.js';

const quiet = { stderr: { write: () => true } };

it('says on start-up how much was replayed and that a torn tail was cut, keeping what came before', async () => {
  const dir = await tempDir();
  try {
    let service = await startService(testConfig(dir.path), quiet);
    for (let i = 0; i < 3; i++)
      expect((await http(service.url, 'PUT', `/kv/k${i}`, { body: `v${i}` })).status).toBe(204);
    await service.close();
    const segment = (await readdir(dir.path)).find((name) => name.endsWith('.wal'))!;
    await appendFile(path.join(dir.path, segment), 'a torn record with no newline');

    service = await startService(testConfig(dir.path, { store: 'locked' }), quiet);
    try {
      expect(service.line).toMatch(
        new RegExp(
          `^hermes listening on http://127\\.0\\.0\\.1:${service.port} \\| data ${dir.path} \\| sync always \\| store locked \\| ` +
            'replayed 3 records \\(\\d+ B, 1 segment\\) in \\d+ ms, torn tail cut \\(29 bytes at offset \\d+ of .+, kept in .+\\.broken\\)$',
        ),
      );
      expect((await http(service.url, 'GET', '/kv/k2')).body.toString()).toBe('v2');
      expect((await http(service.url, 'PUT', '/kv/k3', { body: 'v3' })).status).toBe(204);
    } finally {
      await service.close();
    }
    service = await startService(testConfig(dir.path), quiet);
    expect(service.line).toMatch(/replayed 4 records .* no torn tail$/);
    await service.close();
  } finally {
    await dir.remove();
  }
});
