// Drives Debian's chromium (headless) through the Bureau's desk (issue 17)
// as an officer would: the needs-attention page first (an escalated,
// unacknowledged urgent case at the top, acknowledged from there and gone),
// a triage that corrects a category and moves the statistics, a case
// marked invalid that leaves them, then every page at phone size (390x844)
// with no horizontal overflow, and a commune account that sees only its
// commune and no action.  Saves screenshots.  Usage:
//   node desk.mjs BASE USER PASSWORD URGENT QUIET TEST COMMUNE_USER SHOTS
// Exits 0 when every step was seen to work, 1 with the reason otherwise.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base, user, password, urgent, quiet, testCase, communeUser, shots] =
    process.argv.slice(2);
if (!shots) {
	console.error('usage: node desk.mjs BASE USER PASSWORD URGENT QUIET ' +
	    'TEST COMMUNE_USER SHOTS');
	process.exit(2);
}
mkdirSync(shots, { recursive: true });

function check(what, cond) {
	if (!cond)
		throw new Error(what);
	console.log(`ok ${what}`);
}

async function login(page, name) {
	await page.goto(`${base}/login`);
	await page.fill('input[name=name]', name);
	await page.fill('input[name=password]', password);
	await page.click('button[type=submit]');
	await page.waitForLoadState('load');
}

// The statistics by category on the officer's screen: name -> count.
async function stats(page) {
	await page.goto(`${base}/stats?by=category&from=2000-01-01`);
	const rows = await page.$$eval('table#stats tbody tr', (trs) =>
	    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
	const m = {};
	for (const r of rows)
		if (r.length >= 2)
			m[r[0]] = Number(r[1]);
	m.total = Number(await page.textContent('#total'));
	return m;
}

async function noOverflow(page, what) {
	const [sw, iw] = await page.evaluate(() =>
	    [document.documentElement.scrollWidth, window.innerWidth]);
	check(`${what}: no horizontal overflow at 390 px (${sw} <= ${iw})`, sw <= iw);
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	    '--no-first-run', '--disable-background-networking',
	    '--disable-component-update', '--disable-sync'],
});
let status = 0;
try {
	// --- desktop: the day starts on the needs-attention page
	const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
	const page = await ctx.newPage();
	await login(page, user);
	check('login lands on the needs-attention page', page.url().endsWith('/attention'));
	const first = await page.getAttribute('#attn-urgent tbody tr', 'data-code');
	check(`the escalated unacknowledged case is first (${first})`, first === urgent);
	const level = await page.textContent(`#attn-urgent tr[data-code="${urgent}"] td.level`);
	check(`with its escalation level (${level})`, /cấp [2-9]/.test(level));
	const age = await page.textContent(`#attn-urgent tr[data-code="${urgent}"] td.age`);
	check(`with the time since the report (${age})`, /phút|giờ|ngày/.test(age));
	const n0 = Number(await page.textContent('#attention-count'));
	check(`the count in the menu (${n0})`, n0 >= 3);
	check('the count in the title', (await page.title()).startsWith(`(${n0}) `));
	check('an untriaged case is listed',
	    await page.isVisible(`#attn-untriaged tr[data-code="${quiet}"]`));
	await page.screenshot({ path: `${shots}/desk-attention.png` });

	await page.click(`#attn-urgent tr[data-code="${urgent}"] button.ack`);
	await page.waitForURL('**/attention');
	check('acknowledging it takes it off the list',
	    !(await page.isVisible(`tr[data-code="${urgent}"]`)));
	const n1 = Number(await page.textContent('#attention-count'));
	check(`the count goes down (${n0} -> ${n1})`, n1 === n0 - 1);

	// --- triage corrects a category; the statistics follow
	const before = await stats(page);
	await page.goto(`${base}/cases/${quiet}`);
	await page.selectOption('#form-triage select[name=category]', 'violence');
	await page.click('button#triage');
	await page.waitForURL(`**/cases/${quiet}?done=triage`);
	await page.screenshot({ path: `${shots}/desk-case.png`, fullPage: true });
	const timeline = await page.textContent('ol#timeline');
	check('the timeline says who triaged, in Vietnamese',
	    timeline.includes(`Cán bộ ${user} phân loại: Bạo lực`));
	const after = await stats(page);
	check(`triage moves one case from Bắt nạt (${before['Bắt nạt']} -> ${after['Bắt nạt'] || 0})`,
	    (after['Bắt nạt'] || 0) === before['Bắt nạt'] - 1);
	check(`... to Bạo lực (${before['Bạo lực']} -> ${after['Bạo lực']})`,
	    after['Bạo lực'] === before['Bạo lực'] + 1);
	check('the officer sees exact counts, and the page says so',
	    (await page.textContent('#suppress-note')).includes('Số chính xác'));

	// --- invalid: out of the statistics
	await page.goto(`${base}/cases/${testCase}`);
	await page.fill('#form-invalid input[name=reason]', 'tin nhắn thử');
	await page.click('button#invalid');
	await page.waitForURL(`**/cases/${testCase}?done=invalid`);
	check('the case says it is not counted', await page.isVisible('#excluded'));
	const after2 = await stats(page);
	check(`an invalid case leaves the statistics (${after.total} -> ${after2.total})`,
	    after2.total === after.total - 1);
	await page.screenshot({ path: `${shots}/desk-stats.png`, fullPage: true });

	// --- a phone: every page usable, no horizontal overflow
	const phone = await browser.newContext({ viewport: { width: 390, height: 844 },
	    deviceScaleFactor: 1, isMobile: true, hasTouch: true });
	const pp = await phone.newPage();
	await pp.goto(`${base}/login`);
	await noOverflow(pp, '/login');
	await login(pp, user);
	for (const [path, shot] of [['/attention', 'phone-attention'],
	    ['/cases', 'phone-cases'], [`/cases/${urgent}`, 'phone-case'],
	    ['/stats', 'phone-stats'], ['/directory', null], ['/gateway', null],
	    [`/cases?q=dao&level=1`, null]]) {
		await pp.goto(`${base}${path}`);
		await noOverflow(pp, path);
		if (shot)
			await pp.screenshot({ path: `${shots}/${shot}.png` });
	}
	await pp.goto(`${base}/cases`);
	const display = await pp.$eval('table#cases tbody tr', (tr) => getComputedStyle(tr).display);
	check(`the case list is cards on a phone (${display})`, display === 'block');
	await pp.goto(`${base}/stats?by=category&from=2000-01-01`);
	const h = await pp.$eval('svg#chart text', (t) => t.getBoundingClientRect().height);
	check(`the chart's labels are readable on a phone (${h.toFixed(1)} px high)`, h >= 10);
	await noOverflow(pp, 'the chart, scrolled within its box');

	// --- a commune account: its commune only, no action
	const cc = await browser.newContext({ viewport: { width: 390, height: 844 } });
	const cp = await cc.newPage();
	await login(cp, communeUser);
	check('a commune account lands on its case list', cp.url().endsWith('/cases'));
	const codes = await cp.$$eval('table#cases tbody tr td:first-child a', (as) => as.map((a) => a.textContent));
	check(`it sees only its commune's case (${codes})`, codes.length === 1 && codes[0] === urgent);
	await cp.goto(`${base}/cases/${urgent}`);
	check('it has no action', (await cp.locator('form[method=post][action^="/cases"]').count()) === 0);
	check('and no report text before the Bureau shares it',
	    (await cp.textContent('#text')).includes('chưa chia sẻ'));
	await noOverflow(cp, 'a commune account\'s case');
	const res = await cp.goto(`${base}/attention`);
	check('the needs-attention page is not for it', res.status() === 403);
	await cp.goto(`${base}/cases/${urgent}`);
	await cp.screenshot({ path: `${shots}/phone-commune.png` });
	await cc.close();
	await phone.close();
	await ctx.close();
} catch (e) {
	console.error(`FAIL ${e.message}`);
	status = 1;
} finally {
	await browser.close();
}
process.exit(status);
