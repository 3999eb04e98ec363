// Where the shared vectors are: Tests/Vectors, or SECURECHAT_VECTORS as for the Swift tests.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
export const vectorsDir = process.env.SECURECHAT_VECTORS ?? path.join(here, "..", "..", "Vectors");
export const readVector = (name) => JSON.parse(readFileSync(path.join(vectorsDir, name), "utf8"));
export const client = (name) => `../../../web/client/${name}`;
