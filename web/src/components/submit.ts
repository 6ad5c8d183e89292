/**
 * Every form in the UI is handled by the page itself: submitting one never
 * navigates, it runs the page's handler.
 */

/** An onSubmit handler that stops the browser's own submission, then runs `fn`. */
export const submitted =
  (fn: () => unknown) =>
  (e: Event): void => {
    e.preventDefault();
    void fn();
  };
