// Generates src/generated/openapi.ts from the server's OpenAPI document with openapi-typescript.
//   node scripts/openapi.mjs            write it (starts the built server, or reads SPOTLIGHT_URL's /openapi/v1.json)
//   node scripts/openapi.mjs --check    fail (exit 1) when the checked-in file differs from what the server describes
import { writeFileSync } from "node:fs";
import { checkedIn, fetchDocument, generatedFile, generateTypes } from "./generate.mjs";
import { startServer } from "./server.mjs";

let document;
if (process.env.SPOTLIGHT_URL) {
  document = await fetchDocument(process.env.SPOTLIGHT_URL);
} else {
  const server = await startServer();
  try {
    document = await fetchDocument(server.baseUrl);
  } finally {
    await server.stop();
  }
}

const generated = await generateTypes(document);
if (process.argv.includes("--check")) {
  if (checkedIn() !== generated) {
    console.error("src/generated/openapi.ts differs from the server's OpenAPI document: run `npm run generate` in clients/typescript and commit it.");
    process.exit(1);
  }
  console.log("src/generated/openapi.ts matches the server's OpenAPI document.");
} else {
  writeFileSync(generatedFile, generated);
  console.log(`wrote ${generatedFile}`);
}
