"""The commands of the workspace in the browser: ``serve`` and ``users add``.

They are click commands that the command line's ``main`` group registers; they do not
import the command line (which sits above this package). Their texts for people are
marked with ``N_()``: the group looks them up when it writes a help page, in the
language ``--lang`` chose.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import click

from schemalaggning.i18n import N_, _
from schemalaggning.web.store import ROLES

#: Where ``users add`` takes the password from when it is not asked for.
ACCOUNT_PASSWORD_VARIABLE = "SCHEMALAGGNING_PASSWORD"
#: The workspace folder when none is named.
DEFAULT_WORKSPACE = Path("arbetsyta")
#: The shortest password accepted.
MIN_PASSWORD = 10
#: The highest port number there is.
MAX_PORT = 65_535


def port_number(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """The port ``--port`` names, a whole number from 1 to 65 535 (refused in words)."""
    text = str(value).strip()
    if not (text.isdecimal() and text.isascii() and 1 <= int(text) <= MAX_PORT):
        raise click.BadParameter(
            _("expected a whole number from 1 to 65 535, found {value}").format(value=repr(value)),
            ctx=ctx,
            param=param,
        )
    return int(text)


def existing_instance(
    ctx: click.Context, param: click.Parameter, value: Path | None
) -> Path | None:
    """The instance ``--instance`` names, which must exist (refused in words)."""
    if value is not None and not value.exists():
        raise click.BadParameter(
            _("expected an instance folder or workbook, found nothing at {path}").format(
                path=value
            ),
            ctx=ctx,
            param=param,
        )
    return value


def public_address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The address ``--public-url`` names: http or https, a host, perhaps a path; another
    is refused with an example."""
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise click.BadParameter(
            _("expected an address such as https://schema.example.se, found {value}").format(
                value=repr(value)
            ),
            ctx=ctx,
            param=param,
        )
    return value.strip().rstrip("/")


def listening_address(host: str, port: int) -> str:
    """The address ``serve`` listens on, as a browser writes it."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


@click.command(
    help=N_(
        "Start the workspace in the browser over WORKSPACE (made on first start"
        " with the bundled Göteborg instance). Create an account first with "
        "'users add'."
    )
)
@click.argument(
    "workspace", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_WORKSPACE
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help=N_("The address to listen on.")
)
@click.option(
    "--port",
    metavar=N_("INTEGER"),
    default="8000",
    show_default=True,
    callback=port_number,
    help=N_("The port to listen on (1 to 65 535)."),
)
@click.option(
    "--instance",
    type=click.Path(path_type=Path),
    callback=existing_instance,
    default=None,
    help=N_("The instance a new workspace starts with (default: the bundled Göteborg)."),
)
@click.option(
    "--public-url",
    metavar=N_("ADDRESS"),
    default=None,
    callback=public_address,
    help=N_(
        "The address the calendar programs reach the workspace at, which the calendar "
        "feeds' addresses begin with (behind a reverse proxy, its https address, such as "
        "https://schema.example.se).  [default: the address it listens on, "
        "http://HOST:PORT]"
    ),
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help=N_("The reverse proxies whose X-Forwarded-Proto and -For are trusted."),
)
def serve(
    workspace: Path,
    host: str,
    port: int,
    instance: Path | None,
    public_url: str | None,
    forwarded_allow_ips: str,
) -> None:
    """Start the workspace in the browser over WORKSPACE (made on first start with the
    bundled Göteborg instance)."""
    import uvicorn

    from schemalaggning.web.app import create_app

    app = create_app(workspace, instance, public_url or listening_address(host, port))
    if not app.state.workspace.store().accounts():
        click.echo(
            _(
                "No accounts yet: create one with `schemalaggning users add NAME --role "
                "coordinator --workspace {workspace}`."
            ).format(workspace=workspace),
            err=True,
        )
    click.echo(
        _("The workspace {workspace} at http://{host}:{port}/ (Ctrl-C stops it).").format(
            workspace=workspace, host=host, port=port
        ),
        err=True,
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        log_level="warning",
    )


def known_role(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """The role ``--role`` names; another is refused with the roles there are."""
    if value not in ROLES:
        raise click.BadParameter(
            _("expected one of {values}, found {value}").format(
                values=", ".join(ROLES), value=repr(value)
            ),
            ctx=ctx,
            param=param,
        )
    return value


@click.group(help=N_("The accounts of the workspace in the browser."))
def users() -> None:
    """The accounts of the workspace in the browser."""


@users.command(
    "add",
    help=N_(
        "Add the account NAME with ROLE (or set its role and password): "
        "coordinator (all), manager (personal course requests and reading) or "
        "viewer (reading). The password comes from SCHEMALAGGNING_PASSWORD or a"
        " prompt."
    ),
)
@click.argument("name")
@click.option(
    "--role",
    metavar="[" + "|".join(ROLES) + "]",
    required=True,
    callback=known_role,
    help=N_("What the account may do."),
)
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_WORKSPACE,
    show_default=True,
    help=N_("The workspace folder."),
)
def add_user(name: str, role: str, workspace: Path) -> None:
    """Add the account NAME with ROLE (or set its role and password): coordinator
    (all), manager (personal course requests and reading) or viewer (reading)."""
    from schemalaggning.web.views import ROLE_WORDS
    from schemalaggning.web.workspace import Workspace

    name = name.strip()
    if not name or len(name) > 100:
        raise click.BadParameter(
            _("expected a name of 1 to 100 characters, found {value}").format(value=repr(name)),
            param_hint="'NAME'",
        )
    password = os.environ.get(ACCOUNT_PASSWORD_VARIABLE) or click.prompt(
        _("Password for {name}").format(name=name),
        hide_input=True,
        confirmation_prompt=_("The password again"),
    )
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(
            _("expected a password of at least {count} characters").format(count=MIN_PASSWORD),
            param_hint=_("the password"),
        )
    store = Workspace(workspace).store()
    store.add_account(name, role, password)
    store.audit(name, "account", role)
    click.echo(
        _("The account {name} ({role}) is now in {workspace}.").format(
            name=name, role=ROLE_WORDS[role], workspace=workspace
        )
    )


@users.command("list", help=N_("List the accounts and their roles."))
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_WORKSPACE,
    show_default=True,
    help=N_("The workspace folder."),
)
def list_users(workspace: Path) -> None:
    """List the accounts and their roles."""
    from schemalaggning.web.workspace import DATA_FOLDER, Workspace

    if not (workspace / DATA_FOLDER).is_dir():
        raise click.BadParameter(
            _("expected a workspace folder, found {folder}").format(folder=workspace),
            param_hint="'--workspace'",
        )
    for account in Workspace(workspace).store().accounts():
        click.echo(f"{account.name}\t{account.role}")
