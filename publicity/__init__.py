"""What every public material of the AMIF-funded programme carries, in one place.

emblem   the EU emblem drawn from its official geometry (SVG for the web, fpdf2 drawing for
         PDFs, native vector shapes for PowerPoint) and the funding statements beside it
fonts    the fonts of the PDFs (poster, Stadtrat report), from PyPI packages, as static
         instances cached on first use
"""
