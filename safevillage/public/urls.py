"""The citizen's pages: no account needed."""

from django.urls import path

from safevillage.public import views_followup, views_intake

app_name = "public"
urlpatterns = [
    # views_intake.py: the complaint form and its receipt
    path("complaint/", views_intake.complaint, name="complaint"),
    path("complaint/receipt/", views_intake.receipt, name="receipt"),
    # views_followup.py: the complainant's follow-up by receipt code
    path("status/", views_followup.status, name="status"),
    path("status/feedback/", views_followup.feedback, name="feedback"),
]
