"""Public materials of the AMIF-funded programme, in one place: what the survey, the
dashboard and the reports all carry, and the printed materials made from them.

emblem   the EU emblem drawn from its official geometry (SVG for the web, fpdf2 drawing for
         PDFs, native vector shapes for PowerPoint) and the funding statements beside it
fonts    the fonts of the PDFs (poster, Stadtrat report), from PyPI packages, as static
         instances cached on first use
poster   the survey link as a QR code and the printable A4 poster (and its "Ergebnisse"
         variant for the results pages)
results_page  the public results pages: page data, SVG charts, HTML and CSV in each
         reviewed language (served by :mod:`bedarfsradar.results_site`)
letters  printed invitations with a personal link (one page each) and one-page
         information sheets (the Personalrat's)

May import: ``surveys.questionnaire`` (languages) and ``surveys.translations`` (the
survey's texts). The survey, the dashboard and the reports import from here; nothing
here imports them.
"""
