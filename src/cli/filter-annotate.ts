// `wren filter annotate`: placeholder until the teacher factory lands (see the report).
import { CliError } from './args.ts';

export async function run(_argv: string[]): Promise<void> {
  throw new CliError('wren filter annotate: needs a teacher factory from src/data/teachers (not wired yet)');
}
