"""PDF documents: Typst layouts compiled to PDF/A with the fonts every name needs."""
