// The official `openai` npm client against `wren serve` on stories260K, over real HTTP: it lists
// models, completes, chats and streams; greedy text from an empty prompt is the text llama2.c
// documents for this published model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { sharedFile } from '../_helpers.ts';
import { skip, startServer } from './_server.ts';

const doc = sharedFile('llama2c-stories260K/stories260K.md');

test('the openai client lists, completes, chats and streams', { skip: skip || doc.skip }, async () => {
  const s = await startServer({ apiKey: 'sk-test' });
  try {
    const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), ['stories260K']);
    assert.equal((await client.models.retrieve('stories260K')).id, 'stories260K');

    const [greedy] = [...readFileSync(doc.path, 'utf8').matchAll(/```\n\$ \.\/run [^\n]*\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    const c = await client.completions.create({ model: 'stories260K', prompt: '', max_tokens: 256, temperature: 0 });
    assert.equal(c.choices[0].text, greedy);
    assert.ok(c.usage && c.usage.prompt_tokens === 1 && c.usage.completion_tokens > 0 && c.usage.total_tokens === 1 + c.usage.completion_tokens);
    assert.ok(['stop', 'length'].includes(c.choices[0].finish_reason));

    const short = await client.completions.create({ model: 'stories260K', prompt: 'Once upon a time', max_tokens: 7, temperature: 0 });
    assert.equal(short.choices[0].finish_reason, 'length');
    assert.equal(short.usage!.completion_tokens, 7);

    const stopped = await client.completions.create({ model: 'stories260K', prompt: '', max_tokens: 64, temperature: 0, stop: ['girl'] });
    assert.equal(stopped.choices[0].finish_reason, 'stop');
    assert.ok(greedy.startsWith(stopped.choices[0].text) && greedy.slice(stopped.choices[0].text.length).startsWith('girl'), stopped.choices[0].text);

    const chat = await client.chat.completions.create({ model: 'stories260K', messages: [{ role: 'user', content: 'Tell me a story.' }], max_tokens: 12, seed: 7 });
    assert.equal(chat.choices[0].message.role, 'assistant');
    assert.equal(typeof chat.choices[0].message.content, 'string');
    assert.equal(chat.usage!.completion_tokens <= 12, true);

    // Streams: chat with usage in the last chunk, and completions; the deltas join to the unstreamed text.
    const stream = await client.chat.completions.create({ model: 'stories260K', messages: [{ role: 'user', content: 'Tell me a story.' }], max_tokens: 12, seed: 7, stream: true, stream_options: { include_usage: true } });
    let text = '', finish = '', usage;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      for (const ch of chunk.choices) {
        text += ch.delta.content ?? '';
        if (ch.finish_reason) finish = ch.finish_reason;
      }
    }
    assert.equal(text, chat.choices[0].message.content);
    assert.equal(finish, chat.choices[0].finish_reason);
    assert.deepEqual(usage, chat.usage);

    const cs = await client.completions.create({ model: 'stories260K', prompt: '', max_tokens: 40, temperature: 0, stream: true });
    let streamed = '';
    for await (const chunk of cs) streamed += chunk.choices[0]?.text ?? '';
    assert.ok(greedy.startsWith(streamed) && streamed.length > 40, streamed);

    // Logprobs: the tokens join to the text; the chosen token is among its top alternatives.
    const lp = await client.completions.create({ model: 'stories260K', prompt: '', max_tokens: 10, temperature: 0, logprobs: 3 });
    const l = lp.choices[0].logprobs!;
    assert.equal(l.tokens!.join(''), lp.choices[0].text);
    for (const [i, tok] of l.tokens!.entries()) {
      const top = l.top_logprobs![i];
      assert.equal(Object.keys(top).length, 3);
      assert.equal(top[tok], l.token_logprobs![i]); // greedy: the chosen one is the most likely
      assert.ok(l.token_logprobs![i] <= 0);
    }
    const clp = await client.chat.completions.create({ model: 'stories260K', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5, temperature: 0, logprobs: true, top_logprobs: 2 });
    const content = clp.choices[0].logprobs!.content!;
    assert.equal(content.map((t) => t.token).join(''), clp.choices[0].message.content);
    assert.ok(content.every((t) => t.top_logprobs.length === 2 && t.bytes!.length > 0));

    // n choices: seeds seed, seed+1, …; each choice has its index.
    const many = await client.completions.create({ model: 'stories260K', prompt: 'The dog', max_tokens: 8, n: 3, seed: 11 });
    assert.deepEqual(many.choices.map((ch) => ch.index), [0, 1, 2]);
    assert.equal(many.usage!.prompt_tokens, (await client.completions.create({ model: 'stories260K', prompt: 'The dog', max_tokens: 1 })).usage!.prompt_tokens);
  } finally {
    await s.close();
  }
});
