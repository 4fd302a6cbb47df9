/** Types of bin/check-package.js for the tests that use its page check. */
export function checkPage(base: string): Promise<number>;
