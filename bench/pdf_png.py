"""PDF pages to PNG with poppler's pdftoppm (Debian `poppler-utils`): for the pictures of printed pages in docs/.

pdftoppm rather than a Python package: poppler is the PDF renderer of most Linux desktops, well kept, already on
the machines that run the browser tests, and it adds nothing to requirements. Missing, it is named with the fix.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

DPI = 96  # an A4 page at 794 × 1123 px: as wide as the browser laid it out


def pdf_to_png(pdf: bytes | Path, out: Path, pages: int = 1, dpi: int = DPI) -> Path:
    """The first `pages` pages of `pdf` side by side in one PNG at `out` (a thin grey gap between pages)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise SystemExit("pdftoppm not found: apt-get install poppler-utils")
    from PIL import Image  # Pillow comes with fpdf2 (requirements.txt)

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf if isinstance(pdf, bytes) else pdf.read_bytes())
        subprocess.run([tool, "-png", "-r", str(dpi), "-f", "1", "-l", str(pages), str(source), f"{folder}/page"],
                       check=True)
        images = [Image.open(p).convert("RGB") for p in sorted(Path(folder).glob("page-*.png"))]
        gap = 16 if len(images) > 1 else 0
        sheet = Image.new("RGB", (sum(i.width for i in images) + gap * (len(images) - 1),
                                  max(i.height for i in images)), "#d0d0d0")
        x = 0
        for image in images:
            sheet.paste(image, (x, 0))
            x += image.width + gap
        sheet.save(out, optimize=True)
    return out
