"""The API's documentation page, under the site's Content-Security-Policy.

Swagger UI: drf-spectacular's split view serves the start-up script as a file of its own,
and our template (templates/api/swagger_ui.html) takes the inline style out, so the site's
strict policy holds. Redoc, the second rendering of the same schema, is not served: it
builds its styles at run time into ``<style>`` elements, runs its search in a worker made
from a ``blob:`` URL and fetches its logo from Redocly's server, so it would need a policy of
its own for a page that says nothing Swagger UI does not.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView

swagger = SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html")
