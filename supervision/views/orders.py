"""The card board and 督办 pages.

Supervisors (supervision.scope: a county supervisor their county) see the
live card board, issue orders (from the board, from an application's
timeline, or to any department they oversee), list them, and close or send
back an answer. A department head has an inbox of their department's orders
and answers them. Every object outside what the user may see answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.errors import ServiceError
from portal.forms import apply_service_error
from portal.responses import render_page
from workflow.models import Card

from .. import constants as c
from ..card_selectors import board_cards, board_rows, card_filters, scope_departments
from ..forms import CardFilterForm, OrderAnswerForm, OrderIssueForm, OrderReviewForm
from ..models import SupervisionOrder
from ..order_selectors import order_inbox_for, orders_for
from ..scope import supervisor_scope
from ..selectors import get_or_404
from ..services.orders import order_answer, order_close, order_issue, order_return
from ..services.people import head_department_id
from ..visibility import supervisor_application_q

PAGE_SIZE = 30


def _scope_or_404(user):
    scope = supervisor_scope(user)
    if scope is None:
        raise Http404
    return scope


@login_required
def card_board(request):
    scope = _scope_or_404(request.user)
    departments = list(scope_departments(scope))
    form = CardFilterForm(request.GET or None, departments=departments)
    error = ""
    try:
        filters = card_filters(
            scope,
            colour=request.GET.get("colour"),
            department=request.GET.get("department"),
        )
        qs = board_cards(scope, filters)
    except ServiceError as exc:
        error = exc.detail
        qs = Card.objects.none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "supervision/card_board.html",
        {
            "form": form,
            "error": error,
            "page": page,
            "rows": board_rows(page.object_list),
            "scope": scope,
            "supervisor": True,
        },
    )


def _prefill(request, scope) -> dict:
    """The issue form's start: a card's department and id, or an application's."""
    initial: dict = {}
    context: dict = {"card": None, "application": None}
    card_id = request.GET.get("card") or request.POST.get("card")
    application_id = request.GET.get("application") or request.POST.get("application")
    if card_id:
        card = (
            Card.objects.filter(pk=_int(card_id), cleared_at__isnull=True)
            .filter(scope.region_q("department__region"))
            .select_related("case__application", "task", "department")
            .first()
        )
        if card is None:
            raise Http404
        initial.update(card=card.pk, department=card.department_id)
        context["card"] = card
        context["application"] = card.case.application
    elif application_id:
        from applications.models import Application

        application = (
            Application.objects.filter(pk=_int(application_id))
            .filter(supervisor_application_q(scope))
            .select_related("implementation__department")
            .first()
        )
        if application is None:
            raise Http404
        initial.update(
            application=application.pk,
            department=application.implementation.department_id,
        )
        context["application"] = application
    return {"initial": initial, **context}


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


FIELD_MAP = {"card": "department", "application": "department"}


@login_required
def order_new(request):
    scope = _scope_or_404(request.user)
    departments = list(scope_departments(scope))
    start = _prefill(request, scope)
    if request.method == "POST":
        form = OrderIssueForm(request.POST, departments=departments)
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = order_issue(
                    supervisor=request.user,
                    department_id=data["department"],
                    note=data["note"],
                    working_days=data["working_days"],
                    due_date=data["due_date"],
                    card_id=data["card"],
                    application_id=None if data["card"] else data["application"],
                )
            except ServiceError as exc:
                apply_service_error(form, exc, FIELD_MAP)
            else:
                messages.success(
                    request,
                    _("已下达督办 %(number)s，办理期限%(due)s。")
                    % {"number": order.number, "due": order.due_on},
                )
                return redirect("supervision:order_detail", order.pk)
    else:
        form = OrderIssueForm(initial=start["initial"], departments=departments)
    return render_page(
        request,
        "supervision/order_new.html",
        {
            "form": form,
            "card": start["card"],
            "application": start["application"],
            "supervisor": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def order_list(request):
    _scope_or_404(request.user)
    state = request.GET.get("state", "")
    if state not in c.OrderState.values:
        state = ""
    page = Paginator(orders_for(request.user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_page(
        request,
        "supervision/order_list.html",
        {
            "page": page,
            "state": state,
            "states": c.OrderState.choices,
            "supervisor": True,
        },
    )


@login_required
def order_inbox(request):
    if head_department_id(request.user) is None:
        raise Http404
    page = Paginator(order_inbox_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_page(
        request,
        "supervision/order_inbox.html",
        {"page": page, "supervisor": False},
    )


def _detail_context(request, order: SupervisionOrder, **forms) -> dict:
    supervisor = supervisor_scope(request.user) is not None
    head = head_department_id(request.user) == order.department_id
    return {
        "order": order,
        "events": list(order.events.select_related("by")),
        "supervisor": supervisor,
        "head": head,
        "answer_form": forms.get("answer_form") or OrderAnswerForm(),
        "review_form": forms.get("review_form") or OrderReviewForm(),
    }


@login_required
def order_detail(request, pk: int):
    order = get_or_404(orders_for(request.user), pk)
    return render_page(
        request, "supervision/order_detail.html", _detail_context(request, order)
    )


@login_required
@require_POST
def order_act(request, pk: int, action: str):
    order = get_or_404(orders_for(request.user), pk)
    forms: dict = {}
    try:
        if action == "answer":
            form = forms["answer_form"] = OrderAnswerForm(request.POST)
            if form.is_valid():
                order_answer(
                    order=order, user=request.user, answer=form.cleaned_data["answer"]
                )
        elif action in ("close", "return"):
            form = forms["review_form"] = OrderReviewForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                if action == "close":
                    order_close(order=order, supervisor=request.user, note=data["note"])
                else:
                    order_return(
                        order=order,
                        supervisor=request.user,
                        note=data["note"],
                        working_days=data["working_days"],
                        due_date=data["due_date"],
                    )
        else:
            raise Http404
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404 from exc
        if exc.status == 409:
            messages.error(request, exc.detail)
            return redirect("supervision:order_detail", order.pk)
        apply_service_error(form, exc)
    if form.is_valid() and not form.errors:
        messages.success(request, _("已保存"))
        return redirect("supervision:order_detail", order.pk)
    order.refresh_from_db()
    return render_page(
        request,
        "supervision/order_detail.html",
        _detail_context(request, order, **forms),
        status=400,
    )
