// Unit test of tracker/api/t.js in Node, with a small stand-in for the page's window and
// document: keeps ?click_id= in localStorage and a first-party cookie, refuses malformed ids,
// and convert() builds the pixel URL on the tracker's origin with the stored click id.
//   node tests/snippet/t_js_test.js tracker/api/t.js
// The whole flow in a real browser is the browser test's (issue 12).
const assert = require('assert');
const fs = require('fs');

const source = fs.readFileSync(process.argv[2], 'utf8');

function page(href, scriptSrc, fetch) {
  const stored = {};
  let cookie = '';
  const window = {
    localStorage: { setItem: (k, v) => { stored[k] = v; }, getItem: (k) => stored[k] ?? null },
    fetch,
  };
  const document = {
    currentScript: { src: scriptSrc, getAttribute: (n) => (n === 'data-program' ? 'acme' : null) },
    get cookie() { return cookie; },
    set cookie(v) { cookie = v.split(';')[0]; },
  };
  new Function('window', 'document', 'location', 'fetch', source)(
      window, document, new URL(href), fetch);
  return { window, stored, cookie: () => cookie };
}

async function main() {
  let asked = null;
  const fetch = (url, options) => {
    asked = { url: new URL(url), options };
    return Promise.resolve({ headers: { get: () => 'attributed' } });
  };
  const id = '01KAT9QKX1B0000000000000AB';
  const landing = page(`https://shop.example/landing?click_id=${id}`, 'https://t.example/t.js', fetch);
  assert.strictEqual(landing.stored.tc_click_id, id);
  assert.strictEqual(landing.cookie(), `tc_click_id=${id}`);
  assert.strictEqual(landing.window.clicktrack.clickId(), id);

  const hostile = page('https://shop.example/?click_id=%3Cscript%3E', 'https://t.example/t.js', fetch);
  assert.strictEqual(hostile.stored.tc_click_id, undefined);

  const word = await landing.window.clicktrack.convert(
      { order_id: 'o 1', amount: '49.90', currency: 'USD', email: '' });
  assert.strictEqual(word, 'sent');  // cross-origin: the browser hides the header
  assert.strictEqual(asked.url.origin + asked.url.pathname, 'https://t.example/px.gif');
  assert.strictEqual(asked.url.searchParams.get('program'), 'acme');
  assert.strictEqual(asked.url.searchParams.get('order_id'), 'o 1');
  assert.strictEqual(asked.url.searchParams.get('click_id'), id);
  assert.ok(!asked.url.searchParams.has('email'));
  assert.strictEqual(asked.options.mode, 'no-cors');

  const same = page('https://t.example/checkout', 'https://t.example/t.js', fetch);
  assert.strictEqual(await same.window.clicktrack.convert({ order_id: 'o2' }), 'attributed');
  assert.strictEqual(asked.options.mode, 'cors');

  const failing = page('https://t.example/checkout', 'https://t.example/t.js',
                       () => Promise.reject(new Error('offline')));
  assert.strictEqual(await failing.window.clicktrack.convert({ order_id: 'o3' }), 'failed');
  console.log('t.js: all checks passed');
}

main().catch((e) => { console.error(e); process.exit(1); });
