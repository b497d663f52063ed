// Drives Debian's chromium (headless) through the dashboard as a Bureau
// officer would: log in, open the urgent case from the list, acknowledge
// it, answer the reporter, and check the timeline.  Saves a screenshot
// after each step.  Usage:
//   node dashboard.mjs BASE_URL USER PASSWORD CASE_CODE SHOT_DIR
// Exits 0 when every step was seen to work, 1 with the reason otherwise.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base, user, password, code, shots] = process.argv.slice(2);
if (!shots) {
	console.error('usage: node dashboard.mjs BASE USER PASSWORD CODE SHOTS');
	process.exit(2);
}
mkdirSync(shots, { recursive: true });

function check(what, cond) {
	if (!cond)
		throw new Error(what);
	console.log(`ok ${what}`);
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	    '--no-first-run', '--disable-background-networking',
	    '--disable-component-update', '--disable-sync'],
});
let status = 0;
try {
	const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
	const scripts = [];
	page.on('dialog', async (d) => { scripts.push(`dialog: ${d.message()}`); await d.dismiss(); });

	await page.goto(`${base}/cases`);
	check('an anonymous visit lands on the login page', page.url().endsWith('/login'));
	await page.screenshot({ path: `${shots}/1-login.png`, fullPage: true });

	await page.fill('input[name=name]', user);
	await page.fill('input[name=password]', 'not-the-password');
	await page.click('button[type=submit]');
	check('a wrong password is refused',
	    (await page.textContent('#login-error')).includes('Sai tên đăng nhập'));

	await page.fill('input[name=name]', user);
	await page.fill('input[name=password]', password);
	await page.click('button[type=submit]');
	await page.waitForURL('**/attention');
	await page.goto(`${base}/cases`);
	check('login leads to the needs-attention page; the case list opens', await page.isVisible('table#cases'));

	const cookies = await page.context().cookies();
	const sess = cookies.find((c) => c.name === 'tb_session');
	check('the session cookie is HttpOnly and SameSite=Strict',
	    sess && sess.httpOnly && sess.sameSite === 'Strict');

	// Only urgent cases.
	await page.selectOption('select[name=urgent]', '1');
	await page.click('form.filters button');
	await page.waitForURL('**/cases?*urgent=1*');
	const rows = await page.locator('table#cases tbody tr').count();
	check('the urgent filter shows exactly the urgent case', rows === 1 &&
	    (await page.textContent('table#cases tbody')).includes(code));
	await page.screenshot({ path: `${shots}/2-cases.png`, fullPage: true });

	await page.click(`a[href="/cases/${code}"]`);
	await page.waitForURL(`**/cases/${code}`);
	check('the case page shows the case', (await page.textContent('#code')) === code);
	check('the case is open', (await page.textContent('#status')).includes('Mới'));
	check('the report text is shown as text, not run',
	    (await page.textContent('#text')).includes('<script>'));
	await page.screenshot({ path: `${shots}/3-case.png`, fullPage: true });

	await page.click('button#ack');
	await page.waitForURL(`**/cases/${code}?done=ack`);
	check('acknowledged', (await page.textContent('#status')).includes('Đã nhận'));

	const reply = 'Cảm ơn em. Công an xã đang đến trường.';
	await page.fill('#reply-text', reply);
	await page.click('button#reply');
	await page.waitForURL(`**/cases/${code}?done=reply`);
	check('the reply is confirmed', await page.isVisible('#done'));
	const timeline = await page.textContent('ol#timeline');
	check('the timeline shows the report', timeline.includes('Nhận báo cáo'));
	check('the timeline shows the alerts', timeline.includes('Đã nhắn cảnh báo cho'));
	check('the timeline shows the acknowledgement', timeline.includes(`Cán bộ ${user} đã nhận xử lý`));
	check('the timeline shows the reply', timeline.includes(reply));
	check('no reporter number on the page',
	    !(await page.content()).includes(process.env.SENDER_DIGITS || '987654321'));
	await page.screenshot({ path: `${shots}/4-replied.png`, fullPage: true });

	await page.click('nav a[href="/stats"]');
	await page.waitForURL('**/stats');
	await page.fill('input[name=suppress]', '0');
	await page.click('form.filters button');
	await page.waitForURL('**/stats?*suppress=0*');
	check('the statistics draw a bar per category',
	    (await page.locator('svg#chart rect.bar').count()) === 2);
	await page.screenshot({ path: `${shots}/5-stats.png`, fullPage: true });

	check('no injected script opened a dialog', scripts.length === 0);
} catch (e) {
	console.error(`FAIL ${e.message}`);
	status = 1;
} finally {
	await browser.close();
}
process.exit(status);
