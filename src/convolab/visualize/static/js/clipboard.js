// Copying an element's text: the clipboard when the page may write it, else the text is
// selected for Ctrl+C (a file:// page or an older browser).

export async function copyText(element, status) {
  try {
    await navigator.clipboard.writeText(element.textContent);
    status.textContent = "Copied.";
  } catch {
    const range = document.createRange();
    range.selectNodeContents(element);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
  }
}
