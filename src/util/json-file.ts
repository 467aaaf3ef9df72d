// Reading a JSON file a user named: any failure is a WrenError that names the file and says
// "not valid JSON", "the file is empty" or why it could not be read. A leading byte-order mark
// is dropped.
import { readFileSync } from 'node:fs';
import { fileError, WrenError } from '../errors.ts';
import { stripBom } from './read-lines.ts';

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = stripBom(readFileSync(path, 'utf8'));
  } catch (err) {
    throw fileError(path, err, 'read');
  }
  if (text.trim() === '') throw new WrenError(`${path}: the file is empty (expected JSON)`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WrenError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}
