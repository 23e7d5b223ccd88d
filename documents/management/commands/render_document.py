from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents import registry
from documents.enums import DocumentStatus
from documents.services import document_build_now


class Command(BaseCommand):
    help = (
        "Build a generated document synchronously through the registry and write it to a file: "
        "render_document KIND OBJECT_ID OUTPUT_PATH. Use --list to see the registered kinds."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="document kind, e.g. application_form")
        parser.add_argument("object_id", nargs="?", help="primary key of the owner object")
        parser.add_argument("output_path", nargs="?", help="file to write the document to")
        parser.add_argument(
            "--list", action="store_true", dest="list_kinds", help="list the registered document kinds and exit"
        )
        parser.add_argument("--force", action="store_true", help="rebuild even if the stored file is current")

    def handle(self, *args, kind=None, object_id=None, output_path=None, list_kinds=False, force=False, **options):
        if list_kinds:
            for entry in registry.kinds():
                self.stdout.write(f"{entry.kind}\t{entry.label}")
            return
        if not (kind and object_id and output_path):
            raise CommandError("give KIND OBJECT_ID OUTPUT_PATH, or --list")
        try:
            entry = registry.get(kind)
        except registry.UnknownDocumentKind:
            known = ", ".join(e.kind for e in registry.kinds()) or "none"
            raise CommandError(f"unknown document kind {kind!r} (registered: {known})") from None
        obj = entry.get_owner(object_id)
        if obj is None:
            raise CommandError(f"no {entry.model_class._meta.label} with id {object_id!r}")

        document = document_build_now(kind=kind, obj=obj, force=force)
        if document.status != DocumentStatus.READY:
            raise CommandError(f"building {kind} for {obj} failed: {document.error}")
        with document.file.open("rb") as fh:
            data = fh.read()
        output = Path(output_path)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        self.stdout.write(f"{kind}\t{document.size} bytes\tsha256 {document.checksum}\t{output}")
