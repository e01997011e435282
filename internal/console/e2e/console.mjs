// Browser test of vigil's web console, run by internal/console's
// TestConsoleInBrowser against a vigil serve it started (BASE) with the
// sandbox. It drives Debian's chromium with playwright-core, checks each
// page with axe-core, and saves a screenshot of every page in English and
// Japanese to SHOTS. It prints one JSON line of findings for the Go test
// and exits non-zero on the first failed expectation.
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const BASE = env("BASE"), INSTANCE = env("INSTANCE"), SHOTS = env("SHOTS");
const TIMEOUT = 60000;

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

const findings = { axe: {}, screenshots: [], statuses: [] };

// axe checks the page as it is; serious and critical violations fail.
async function audit(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  findings.axe[name] = result.violations.map((v) => `${v.impact} ${v.id}`);
  expect(bad.length === 0, `axe on ${name}: ${bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`).join("; ")}`);
}

async function shot(page, name) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  findings.screenshots.push(file);
}

async function signIn(page, user, password, labels) {
  await page.goto(`${BASE}/ui/`);
  expect(page.url().includes("/ui/login"), `signed-out visit went to ${page.url()}, not the sign-in page`);
  await page.getByLabel(labels.user, { exact: true }).fill(user);
  await page.getByLabel(labels.password, { exact: true }).fill(password);
  await page.getByRole("button", { name: labels.signin, exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/ui/login"), { timeout: TIMEOUT });
}

const en = { user: "Username", password: "Password", signin: "Sign in" };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
try {
  // The approver, in English, in Tokyo.
  const alice = await browser.newContext({ locale: "en-US", timezoneId: "Asia/Tokyo", viewport: { width: 1280, height: 900 } });
  const page = await alice.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(`${BASE}/ui/login`);
  await audit(page, "login-en");
  await shot(page, "login-en");
  await signIn(page, "alice", env("ALICE_PASSWORD"), en);

  await page.getByRole("link", { name: "Approvals", exact: true }).click();
  const link = page.getByRole("link", { name: new RegExp(`ec2-isolate on ${INSTANCE}`) });
  await link.waitFor();
  await audit(page, "approvals-pending-en");
  await shot(page, "approvals-pending-en");
  await link.click();
  const approve = page.getByRole("button", { name: "Approve", exact: true });
  await approve.waitFor();
  expect(await page.getByRole("button", { name: "Reject", exact: true }).count() === 1, "no Reject button for the approver");
  expect((await page.textContent("main")).includes("ModifyInstanceAttribute"), "the approval page does not show the plan");
  // Times show in the viewer's zone (Tokyo), UTC on hover.
  const t = page.locator("time").first();
  const title = await t.getAttribute("title");
  expect(title.endsWith("UTC"), `time title ${title} is not UTC`);
  expect(!(await t.textContent()).endsWith("UTC"), "time not shown in the viewer's time zone");
  await audit(page, "approval-pending-en");
  await shot(page, "approval-pending-en");
  const approvalURL = page.url();

  // A POST without the CSRF token is refused, even from the approver.
  const noToken = await page.evaluate(async (url) => (await fetch(url + "/approve", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "" })).status, approvalURL);
  expect(noToken === 403, `POST without a CSRF token answered ${noToken}, want 403`);

  await approve.click();
  await page.waitForURL(approvalURL);
  const status = page.locator("[data-poll]");
  // No reload: console.js follows the status until it is final.
  await page.waitForFunction(() => document.querySelector("[data-poll]")?.dataset.status === "verified", null, { timeout: TIMEOUT });
  findings.statuses.push(await status.textContent());
  expect((await status.textContent()).trim() === "verified", `status shows ${await status.textContent()}`);
  await shot(page, "approval-verified-en");

  // Every page, in English, then in Japanese after the switch.
  const entity = "arn:aws:iam::111122223333:user/etl-batch";
  const pages = async () => {
    const rem = await page.locator("a[href^='/ui/remediations/']").first().getAttribute("href");
    await page.goto(`${BASE}/ui/`);
    const ev = await page.locator("a[href^='/ui/events/']").first().getAttribute("href");
    return [["incidents", "/ui/"], ["incident", ev], ["approvals", "/ui/approvals?all=1"], ["approval", new URL(approvalURL).pathname],
      ["remediations", "/ui/remediations"], ["remediation", rem], ["investigate", `/ui/investigate?entity=${encodeURIComponent(entity)}`],
      ["deadletters", "/ui/deadletters"], ["silences", "/ui/silences"], ["rules", "/ui/rules"], ["reports", "/ui/reports"]];
  };
  await page.goto(approvalURL);
  const list = await pages();
  for (const [name, p] of list) {
    await page.goto(BASE + p);
    await audit(page, `${name}-en`);
    await shot(page, `${name}-en`);
  }
  // The report's CSV is a download, with Japanese headers once the page
  // is in Japanese (below).
  const csvOf = async () => page.evaluate(async () => {
    const a = document.querySelector("a[download][href^='/ui/reports/csv']");
    const r = await fetch(a.getAttribute("href"));
    return { status: r.status, disposition: r.headers.get("Content-Disposition"), head: (await r.text()).replace(/^\ufeff/, "").split("\r\n")[0] };
  });
  await page.goto(`${BASE}/ui/reports`);
  findings.csv = [await csvOf()];
  await page.getByRole("link", { name: "日本語", exact: true }).click();
  await page.goto(`${BASE}/ui/reports`);
  findings.csv.push(await csvOf());
  for (const [name, p] of list) {
    await page.goto(BASE + p);
    expect(await page.getAttribute("html", "lang") === "ja", `${p} is not in Japanese after the switch`);
    await audit(page, `${name}-ja`);
    await shot(page, `${name}-ja`);
  }
  await page.goto(approvalURL);
  const ja = (await page.locator("[data-poll]").textContent()).trim();
  findings.statuses.push(ja);
  expect(ja === "検証済み", `Japanese status shows ${ja}`);
  expect(await page.getByRole("link", { name: "承認", exact: true }).count() === 1, "no 承認 link in the navigation");

  // The viewer, whose browser asks for Japanese: the sign-in page and the
  // approval without buttons; a forged POST with their own valid token is
  // refused.
  const bob = await browser.newContext({ locale: "ja-JP", timezoneId: "Asia/Tokyo", viewport: { width: 1280, height: 900 } });
  const vp = await bob.newPage();
  vp.setDefaultTimeout(TIMEOUT);
  await vp.goto(`${BASE}/ui/login`);
  await audit(vp, "login-ja");
  await shot(vp, "login-ja");
  await signIn(vp, "bob", env("BOB_PASSWORD"), { user: "ユーザー名", password: "パスワード", signin: "サインイン" });
  await vp.getByRole("link", { name: "承認", exact: true }).click();
  const pending = vp.getByRole("link", { name: new RegExp(INSTANCE) }).first();
  await pending.waitFor();
  await pending.click();
  await vp.locator("main h1").waitFor();
  expect(await vp.getByRole("button", { name: "承認する" }).count() === 0, "the viewer sees an Approve button");
  expect(await vp.getByRole("button", { name: "却下する" }).count() === 0, "the viewer sees a Reject button");
  const forged = await vp.evaluate(async () => {
    const token = document.querySelector("input[name=csrf]").value;
    const id = location.pathname.split("/").pop();
    const r = await fetch(`/ui/approvals/${id}/approve`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "csrf=" + encodeURIComponent(token) });
    return r.status;
  });
  expect(forged === 403, `the viewer's forged approve answered ${forged}, want 403`);
  findings.forged = forged;
  findings.noToken = noToken;
  await shot(vp, "approval-viewer-ja");
} finally {
  await browser.close();
}
console.log(JSON.stringify(findings));
