// Imported first by the contract test: before any test helper is evaluated, the required-only backend
// is registered and made the default, and BACKENDS (on-backend.ts) will read "required".
import * as zd from "../../src/index.js";
import { REQUIRED_ONLY, registerRequiredOnly } from "./required-backend.js";

registerRequiredOnly();
process.env.ZENDL_TEST_BACKENDS = REQUIRED_ONLY;
zd.setBackend(REQUIRED_ONLY);
