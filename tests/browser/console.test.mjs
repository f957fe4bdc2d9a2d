// The instructor's console in a real browser: the Debian Chromium, driven by puppeteer-core, against the running app
// (under the X display ctest runs in). It starts the session from the page, speaks as the trauma team leader and
// checks that the question stands in the reading room's session and in the event log, then ends the session.
// Usage: node console.test.mjs POLYSIM_BINARY SCENARIO WORK_DIR   (exit 77: puppeteer-core is not installed)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

let puppeteer;
try {
  puppeteer = (await import("puppeteer-core")).default;
} catch {
  console.log("puppeteer-core is not installed (make test runs npm ci in tests/browser); skipped");
  process.exit(77);
}

const [binary, scenario, work] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const log = path.join(work, "taught.jsonl");
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); console.log((ok ? "ok   " : "FAIL ") + what); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const events = () => fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter((l) => l).map((l) => JSON.parse(l)) : [];
async function until(test, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await test()) return true; await sleep(100); }
  check(false, what + " (timed out)");
  return false;
}

const app = spawn(binary, ["run", scenario, "--serve", "0", "--mute", "--log", log],
  { env: { ...process.env, XDG_DATA_HOME: path.join(work, "data") }, stdio: ["ignore", "pipe", "inherit"] });
let stdout = "";
app.stdout.on("data", (d) => { stdout += d; });
let browser;
try {
  await until(() => /instructor console: (\S+)\n/.test(stdout), 30000, "the app prints the console's address");
  const lines = stdout.split("\n").filter((l) => l.startsWith("instructor console: "));
  check(lines.length === 1, "exactly one 'instructor console:' line on stdout");
  const url = lines[0].slice("instructor console: ".length);
  check(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/.test(url), "the address is on 127.0.0.1 with a token: " + url);

  browser = await puppeteer.launch({ executablePath: "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
  const page = await browser.newPage();
  const denied = await page.goto(url.replace(/\?token=.*/, ""));
  check(denied.status() === 403, "without the token the page is refused (403)");
  const wrong = await page.goto(url.replace(/token=.*/, "token=" + "0".repeat(32)));
  check(wrong.status() === 403, "with another token the page is refused (403)");
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(url);
  check(requests.every((u) => u.startsWith(url.replace(/\/\?token=.*/, "")) || u.startsWith("ws://") || u.startsWith("data:")),
    "the page loads nothing from elsewhere");
  await until(async () => (await page.$eval("#status", (e) => e.textContent)) === "live", 10000, "the live feed connects");

  // The trainee is on the briefing; the instructor starts the session.
  await page.waitForSelector("#start:not([hidden])", { timeout: 10000 });
  await page.click("#start");
  await until(async () => (await page.$eval("#clock", (e) => e.textContent)) !== "--:--", 120000,
    "the session clock shows once the session starts");
  await page.waitForSelector("#findings tbody tr[data-finding]", { timeout: 10000 });
  const truth = await page.$$eval("#findings tbody tr", (rows) => rows.map((r) => r.dataset.finding));
  check(truth.includes("tension_pneumothorax"), "the ground truth lists the findings: " + truth.join(", "));

  // Speak as the trauma team leader, about the pneumothorax.
  await page.select("#say-role", "trauma_leader");
  await page.type("#say-text", "Anything in the chest I need to deal with right now?");
  await page.click('#say-findings input[data-about="tension_pneumothorax"]');
  await page.click("#say-send");
  await page.waitForSelector('#standing tr[data-interruption="say1"]', { timeout: 10000 });
  check(true, "the question stands in the console's list of interruptions");
  if (process.env.POLYSIM_CONSOLE_SCREENSHOT) {  // the README's picture
    await until(async () => (await page.$eval("#clock", (e) => e.textContent)) >= "00:45", 90000, "the clock reaches 00:45");
    await page.setViewport({ width: 1280, height: 1180 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await sleep(500);
    await page.screenshot({ path: process.env.POLYSIM_CONSOLE_SCREENSHOT });
    // The reading room at the same moment (the X display the app draws on), and the two side by side.
    const shot = process.env.POLYSIM_CONSOLE_SCREENSHOT;
    const room = shot.replace(/\.png$/, "") + "-room.png";
    const beside = shot.replace(/\.png$/, "") + "-beside-room.png";
    const run = (cmd, args) => { const r = spawnSync(cmd, args, { stdio: "inherit" }); check(r.status === 0, cmd + " " + args.join(" ")); };
    run("import", ["-window", "root", room]);
    run("convert", ["(", room, "-resize", "x1180", ")", shot, "-background", "#101418", "-gravity", "north", "+append", beside]);
  }
  const said = events().find((e) => e.action === "say");
  check(said && said.role === "trauma_leader" && said.findings?.includes("tension_pneumothorax"), "the log has the say command");
  check(events().some((e) => e.event === "interruption_start" && e.id === "say1" && e.said_by === "instructor"),
    "the reading room's session started it as an interruption (interruption_start say1)");

  // Pause and resume from the page.
  await page.click("#pause");
  await until(async () => !(await page.$eval("#paused", (e) => e.hidden)), 5000, "the page shows PAUSED");
  await sleep(1500);
  await page.click("#pause");
  await until(() => events().some((e) => e.action === "resume"), 5000, "the resume reaches the log");
  const resume = events().find((e) => e.action === "resume");
  check(resume && resume.held_s >= 1, "the pause's real length is logged: " + (resume && resume.held_s) + " s");

  page.on("dialog", (d) => d.accept());
  await page.click("#end");
  await until(() => events().some((e) => e.event === "session_end" && e.reason === "instructor"), 10000,
    "ending from the page ends the session (session_end by the instructor)");
  await until(async () => !(await page.$eval("#ended", (e) => e.hidden)), 5000, "the page shows ENDED");
} catch (e) {
  check(false, "unexpected: " + e.message);
} finally {
  if (browser) await browser.close();
  app.kill("SIGTERM");  // SDL turns it into a close of the window, which leaves from the debrief
  await sleep(3000);
  if (app.exitCode === null) app.kill("SIGKILL");
}
console.log(failures.length ? failures.length + " check(s) failed" : "all checks passed");
process.exit(failures.length ? 1 : 0);
