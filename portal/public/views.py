"""Public portal pages: home, login, and the public content pages (articles).

Portal's top layer: it may read every app's selectors; no app imports it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language as django_set_language

from catalog.models import Department
from catalog.selectors import counties, item_public_queryset
from catalog.views import decorate_items, theme_groups, type_counts
from people.services.applicants import applicant_set_language
from portal.i18n import remember_language, supported_language
from portal.models import Article, ArticleKind

HOME_HOT_ITEMS = 8
HOME_NOTICES = 5
HOME_DEPARTMENTS = 12
ARTICLES_PER_PAGE = 20

# kind -> (list title, url names of list and detail, template of the list)
ARTICLE_PAGES = {
    ArticleKind.NOTICE: (_("通知公告"), "portal:notice_list", "portal:notice_detail"),
    ArticleKind.POLICY: (_("政策文件"), "portal:policy_list", "portal:policy_detail"),
    ArticleKind.FAQ: (_("常见问题"), "portal:faq_list", "portal:faq_detail"),
    ArticleKind.SUPERVISION: (
        _("监督投诉"),
        "portal:supervision",
        "portal:supervision_detail",
    ),
}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Search, themes, popular items, browse entries and the latest notices.

    A fixed number of queries: one each for themes, popular items, type
    counts, departments, counties and notices.
    """
    context = {
        "hot_items": decorate_items(
            item_public_queryset()
            .select_related("lead_department")
            .order_by("-hot", "basic_code")[:HOME_HOT_ITEMS]
        ),
        "types": [t for t in type_counts() if t["count"]],
        "departments": list(
            Department.objects.filter(is_active=True)
            .select_related("region")
            .order_by("region__code", "name")[:HOME_DEPARTMENTS]
        ),
        "counties": list(counties()),
        "notices": list(
            Article.objects.filter(kind=ArticleKind.NOTICE, is_published=True)[
                :HOME_NOTICES
            ]
        ),
    }
    context.update(theme_groups())
    return render(request, "portal/home.html", context)


def _articles(kind: str):
    return Article.objects.filter(kind=kind, is_published=True).order_by(
        "-published_on", "-id"
    )


def article_list(request: HttpRequest, kind: str, template: str) -> HttpResponse:
    title, list_url, detail_url = ARTICLE_PAGES[kind]
    page = Paginator(_articles(kind), ARTICLES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        template,
        {
            "title": title,
            "kind": kind,
            "page": page,
            "articles": page.object_list,
            "list_url": list_url,
            "detail_url": detail_url,
        },
    )


def article_detail(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    title, list_url, _detail = ARTICLE_PAGES[kind]
    article = _articles(kind).filter(slug=slug).first()
    if article is None:
        raise Http404(_("未找到该页面"))
    return render(
        request,
        "portal/article_detail.html",
        {"article": article, "section_title": title, "list_url": list_url},
    )


@require_safe
def notice_list(request):
    return article_list(request, ArticleKind.NOTICE, "portal/article_list.html")


@require_safe
def notice_detail(request, slug):
    return article_detail(request, ArticleKind.NOTICE, slug)


@require_safe
def policy_list(request):
    return article_list(request, ArticleKind.POLICY, "portal/article_list.html")


@require_safe
def policy_detail(request, slug):
    return article_detail(request, ArticleKind.POLICY, slug)


@require_safe
def faq_list(request):
    return article_list(request, ArticleKind.FAQ, "portal/faq_list.html")


@require_safe
def faq_detail(request, slug):
    return article_detail(request, ArticleKind.FAQ, slug)


@require_safe
def supervision(request):
    return article_list(request, ArticleKind.SUPERVISION, "portal/supervision.html")


@require_safe
def supervision_detail(request, slug):
    return article_detail(request, ArticleKind.SUPERVISION, slug)


class LogoutView(auth_views.LogoutView):
    pass


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The switcher: Django's set_language (cookie, back to ``next``), and the
    choice kept in the session and on a logged-in citizen's profile. An
    unknown code falls back to Chinese."""
    language = supported_language(request.POST.get("language")) or (
        settings.LANGUAGE_CODE
    )
    request.POST = request.POST.copy()
    request.POST["language"] = language
    response = django_set_language(request)
    remember_language(request, language)
    applicant_set_language(user=request.user, language=language)
    return response
