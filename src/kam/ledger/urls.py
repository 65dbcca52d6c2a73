from django.urls import path

from kam.ledger import views

urlpatterns = [
    path("", views.import_list_view, name="import_list"),
    path("upload/", views.import_upload_view, name="import_upload"),
    path("<uuid:job_id>/", views.import_detail_view, name="import_detail"),
    path("<uuid:job_id>/start/", views.import_start_view, name="import_start"),
    path("<uuid:job_id>/retry/", views.import_retry_view, name="import_retry"),
    path("<uuid:job_id>/progress/", views.import_progress_view, name="import_progress"),
    path("<uuid:job_id>/errors.csv", views.import_errors_view, name="import_errors"),
    path("batches/<int:batch_id>/undo/", views.batch_undo_view, name="batch_undo"),
]

# Mounted under /accounts/<account_id>/ledger/ (an account's sales on its page).
account_urlpatterns = [
    path("sales/", views.account_sales_view, name="account_sales"),
    path("lines/", views.account_lines_view, name="account_lines"),
]
