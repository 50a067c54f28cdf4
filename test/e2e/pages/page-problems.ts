import type { Page } from 'playwright-core';

/**
 * Collects what a page reports going wrong, as it happens: uncaught errors, console errors and
 * warnings (CSP violations among them). The suites expect the list to stay empty.
 */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
  });
  return problems;
}
