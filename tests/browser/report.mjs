// Prints the dashboard's periodic report to PDF with Debian's chromium
// (headless), as a Bureau officer does with Ctrl+P: logs in, opens
// /report for the period, checks that the dashboard's header is hidden on
// paper and prints A4.  Usage:
//   node report.mjs BASE_URL USER PASSWORD PERIOD PDF_FILE
// Exits 0 when the PDF was written, 1 with the reason otherwise; the
// caller counts its pages.
import { chromium } from 'playwright-core';

const [base, user, password, period, pdf] = process.argv.slice(2);
if (!pdf) {
	console.error('usage: node report.mjs BASE USER PASSWORD PERIOD PDF');
	process.exit(2);
}

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
	const page = await browser.newPage();
	await page.goto(`${base}/login`);
	await page.fill('input[name=name]', user);
	await page.fill('input[name=password]', password);
	await page.click('button[type=submit]');
	await page.waitForURL('**/cases');
	await page.goto(`${base}/report?period=${encodeURIComponent(period)}`);
	check('the report has five sections',
	    await page.locator('article.report section.sec').count() === 5);
	await page.emulateMedia({ media: 'print' });
	check('the dashboard header is hidden on paper',
	    !(await page.isVisible('header')));
	check('the signature block is there',
	    (await page.textContent('.sign')).includes('Người lập biểu'));
	await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
	check('the PDF is written', true);
} catch (e) {
	console.log(`FAIL ${e.message}`);
	status = 1;
} finally {
	await browser.close();
}
process.exit(status);
