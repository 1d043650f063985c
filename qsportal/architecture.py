"""An import-linter contract type for the rule the layers contract cannot say: a domain app reaches another
only through that app's public modules (its selectors, services, events and choices), never its models, views,
forms or other internals. Run by `lint-imports` (see `.importlinter`); nothing in the portal imports this."""

from importlinter import Contract, ContractCheck, fields, output


class PublicModulesContract(Contract):
    """Each import from one of `apps` into another of `apps` must land in a module named in `public`
    (`credit.selectors`, `credit.selectors.grades`, ...). An app's own imports are free."""

    type_name = "public_modules"

    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        apps, public = set(self.apps), set(self.public)  # type: ignore[arg-type]
        illegal = []
        for importer in sorted(graph.modules):
            importer_app = importer.split(".")[0]
            if importer_app not in apps:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                parts = imported.split(".")
                if parts[0] not in apps or parts[0] == importer_app:
                    continue
                if len(parts) > 1 and parts[1] in public:
                    continue
                lines = [d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)]
                illegal.append((importer, imported, lines))
        return ContractCheck(kept=not illegal, warnings=None, metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["illegal"]:
            output.print_error(f"{importer} -> {imported} (l.{', '.join(map(str, lines))})", bold=False)
            output.new_line()
        output.print_error(
            f"Reach another app through its {', '.join(self.public)} modules only.",  # type: ignore[arg-type]
            bold=False,
        )
