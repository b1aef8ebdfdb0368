"""Free-text answers: what the guide codes and how the product helps her.

keywords  suggested need areas for a free text (keyword lists per language); a suggestion
          only, the guide decides
codes     the guide's codes (need area, theme) stored per answer, and the texts to code

May import: ``bedarfsradar.db``. The agreement of two coders is computed in
``analysis.coding`` (pure), not here.
"""
