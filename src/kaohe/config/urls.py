"""URL map: pages under /, the JSON API under /api/, language switching under /i18n/."""

from django.urls import include, path

from kaohe.config.api import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("feeds/", include("kaohe.feeds.urls")),
    path("r/", include("kaohe.ratings.urls")),
    path("ballots/", include("kaohe.ballots.urls")),
    path("hotline/", include("kaohe.hotline.urls")),
    path("work/", include("kaohe.worklog.urls")),
    path("analysis/", include("kaohe.analytics.urls")),
    path("leadership/", include("kaohe.leadership.urls")),
    path("unit-ratings/", include("kaohe.unitratings.urls")),
    path("", include("kaohe.web.urls")),
]

handler400 = "kaohe.web.views.errors.bad_request"
handler403 = "kaohe.web.views.errors.permission_denied"
handler404 = "kaohe.web.views.errors.page_not_found"
handler500 = "kaohe.web.views.errors.server_error"
