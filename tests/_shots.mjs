import { chromium } from 'playwright-core';
const base = process.argv[2]; const scheme = process.argv[3] || 'light';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run'] });
const ctx = await b.newContext({ viewport: { width: 1000, height: 800 }, colorScheme: scheme });
for (const p of ['index.html', 'clock.html', 'ticker.html', 'chat.html']) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.log(p, 'PAGEERROR', e.message));
  page.on('console', (m) => console.log(p, 'console', m.type(), m.text()));
  await page.goto(`${base}/${p}`);
  if (p === 'chat.html') {
    const other = await ctx.newPage(); await other.goto(`${base}/chat.html`);
    await other.fill('[data-testid=chat-name]', 'bob'); await other.click('[data-testid=chat-join]');
    await page.fill('[data-testid=chat-name]', 'alice'); await page.click('[data-testid=chat-join]');
    await other.fill('[data-testid=chat-text]', 'Hi Alice! <b>not bold</b>'); await other.click('[data-testid=chat-send]');
    await page.fill('[data-testid=chat-text]', 'Hello Bob, how is the hub doing today?'); await page.click('[data-testid=chat-send]');
    await other.goto('about:blank');
  }
  await page.waitForTimeout(3500);
  await page.screenshot({ path: `/tmp/fakehub/${scheme}-${p}.png`, fullPage: true });
}
await b.close();
