// Lays out the page for the viewer: our sources plus uPlot's browser build, no bundler needed.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
cpSync(join(here, "src"), dist, { recursive: true });
const uplot = join(here, "node_modules", "uplot", "dist");
cpSync(join(uplot, "uPlot.iife.min.js"), join(dist, "uPlot.iife.min.js"));
cpSync(join(uplot, "uPlot.min.css"), join(dist, "uPlot.min.css"));
