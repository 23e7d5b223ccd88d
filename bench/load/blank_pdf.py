"""The surge's upload, shared by the locust users (imported as `blank_pdf`, beside them) and bench_submit_path."""

import io


def small_pdf(text: str) -> bytes:
    """A one-page blank A4 PDF, made distinct by its title."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
