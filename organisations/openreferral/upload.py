"""Admin's "Import from Open Referral" page: an editor uploads a ``.json``, ``.ndjson`` or
``.zip`` file and sees what ``manage.py import_openreferral`` would print, first as a dry run,
then, with "Import", for real.

The uploaded file waits between the two steps in ``DIRECTORY_EXPORT_DIR/uploads`` under a random
name; the form carries that name signed (django.core.signing), so an editor can import only a
file this page saved, for an hour, and never name a path of their own. The file is deleted once
imported; one left behind (a dry run never followed) is removed by the next upload after an hour.
"""

import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from .importing import Importer

SUFFIXES = {".json", ".ndjson", ".jsonl", ".zip"}
SALT = "organisations.openreferral.upload"
KEPT_FOR = 60 * 60  # seconds an uploaded file waits for "Import"
MAX_BYTES = 200 * 1024 * 1024


def upload_dir():
    return Path(settings.DIRECTORY_EXPORT_DIR) / "uploads"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        error_messages={"required": "Choose the file to import."},
        help_text="Open Referral UK or HSDS 3.0: a .json or .ndjson file of services, or a .zip "
        "data package (datapackage.json and its CSV files).",
    )
    source = forms.CharField(
        max_length=100,
        error_messages={"required": "Say which directory the file comes from."},
        help_text="The directory it comes from, e.g. “Bristol Council”. It is kept with every "
        "listing; importing the same source again updates what the last import made.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in SUFFIXES:
            raise forms.ValidationError("Upload a .json, .ndjson or .zip file.")
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                "The file is larger than %(limit)s MB: import it with manage.py "
                "import_openreferral instead.",
                params={"limit": MAX_BYTES // (1024 * 1024)},
            )
        return upload

    def clean_source(self):
        return " ".join(self.cleaned_data["source"].split())


def save_upload(upload):
    """Keep the file under a random name; return the signed token naming it."""
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():  # a dry run never followed by "Import"
        if old.is_file() and old.stat().st_mtime < time.time() - KEPT_FOR:
            old.unlink(missing_ok=True)
    name = secrets.token_hex(16) + Path(upload.name).suffix.lower()
    with open(folder / name, "wb") as handle:
        for part in upload.chunks():
            handle.write(part)
    return name


def sign(name, source, original):
    return signing.dumps({"name": name, "source": source, "original": original}, salt=SALT)


def unsign(token):
    """(path, source, original name) for a token this page made in the last hour, else None."""
    try:
        value = signing.loads(token, salt=SALT, max_age=KEPT_FOR)
        path = upload_dir() / Path(value["name"]).name
    except (signing.BadSignature, KeyError, TypeError):
        return None
    if not path.is_file():
        return None
    return path, value["source"], value.get("original", path.name)


def shown(report, path, original):
    """The report's lines, naming the file as the editor knows it, not where it was kept."""
    return [line.replace(str(path), original) for line in report.lines()]


def import_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import from Open Referral",
    }
    form = UploadForm()
    if request.method == "POST" and "token" in request.POST:
        found = unsign(request.POST["token"])
        if found is None:
            context["expired"] = True
        else:
            path, source, original = found
            report = Importer(source, dry_run=False).run([path])
            path.unlink(missing_ok=True)
            context.update(lines=shown(report, path, original), source=source, imported=True)
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            source = form.cleaned_data["source"]
            name = save_upload(upload)
            path = upload_dir() / name
            report = Importer(source, dry_run=True).run([path])
            context.update(lines=shown(report, path, upload.name), source=source)
            if report.nothing_read:
                path.unlink(missing_ok=True)
            else:
                context["token"] = sign(name, source, upload.name)
    context["form"] = form
    return TemplateResponse(request, "admin/organisations/organisation/import.html", context)
