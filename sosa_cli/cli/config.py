"""`sosa config …`: the office profile that letters print (sender, 担当, 文書番号 prefix)."""

from typing import Annotated

import typer

from ..i18n import N_, _
from .output import message, print_json, print_table

app = typer.Typer(help="The office profile: sender, 担当 contact, 文書番号 prefix, folders.", no_args_is_help=True)

COLUMNS = [("key", N_("Setting")), ("value", N_("Value")), ("source", N_("Source")), ("description", N_("Meaning"))]


@app.command()
def show(as_json: Annotated[bool, typer.Option("--json", help="Print JSON with stable keys instead of a table.")] = False) -> None:
    """Show every setting, its value, and whether it is set, a default or not set.

    Example: sosa config show
    """
    from ..config import SETTINGS, load

    profile = load()
    rows = [{"key": key, "value": profile.get(key), "source": profile.source(key), "description": setting.description} for key, setting in SETTINGS.items()]
    if as_json:
        print_json({"file": str(profile.path), "settings": {r["key"]: {"value": r["value"], "source": r["source"]} for r in rows}})
        return
    shown = [
        {**row, "source": _(profile.source(key)), "description": _(setting.description)} for row, (key, setting) in zip(rows, SETTINGS.items(), strict=True)
    ]
    print_table(shown, COLUMNS, title=_("Settings ({path})").format(path=profile.path))


@app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="The setting, e.g. doc_prefix or contact_name.")],
    value: Annotated[str, typer.Argument(help="Its new value.")],
) -> None:
    """Change one setting; keys this version does not know are refused.

    Example: sosa config set contact_name "山田 太郎"
    """
    from ..config import set_value

    profile = set_value(key, value)
    message(_("{key} = {value}  (in {path})").format(key=key, value=profile.values[key], path=profile.path))


@app.command()
def unset(key: Annotated[str, typer.Argument(help="The setting to remove.")]) -> None:
    """Remove a setting from the file, so its default (if any) applies again.

    Example: sosa config unset letters_dir
    """
    from ..config import SETTINGS
    from ..config import unset as unset_key

    profile = unset_key(key)
    default = SETTINGS[key].default
    if default:
        message(_("{key} removed from {path}; the default applies: {default}").format(key=key, path=profile.path, default=default))
    else:
        message(_("{key} removed from {path}; it is not set now").format(key=key, path=profile.path))


@app.command()
def path() -> None:
    """Print the settings file in use (SOSA_CONFIG, else the user's config folder).

    Example: sosa config path
    """
    from ..config import config_path

    typer.echo(str(config_path()))
