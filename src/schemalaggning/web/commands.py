"""The commands of the workspace in the browser: ``serve`` and ``users add``.

They are click commands that the command line's ``main`` group registers; they do not
import the command line (which sits above this package).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from schemalaggning.i18n import _
from schemalaggning.web.store import ROLES

#: Where ``users add`` takes the password from when it is not asked for.
ACCOUNT_PASSWORD_VARIABLE = "SCHEMALAGGNING_PASSWORD"
#: The workspace folder when none is named.
DEFAULT_WORKSPACE = Path("arbetsyta")
#: The shortest password accepted.
MIN_PASSWORD = 10


@click.command()
@click.argument(
    "workspace", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_WORKSPACE
)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--instance",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="The instance a new workspace starts with (default: the bundled Göteborg).",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="The reverse proxies whose X-Forwarded-Proto and -For are trusted.",
)
def serve(
    workspace: Path, host: str, port: int, instance: Path | None, forwarded_allow_ips: str
) -> None:
    """Start the workspace in the browser over WORKSPACE (made on first start with the
    bundled Göteborg instance). Create an account first with ``users add``."""
    import uvicorn

    from schemalaggning.web.app import create_app

    app = create_app(workspace, instance)
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


@click.group()
def users() -> None:
    """The accounts of the workspace in the browser."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option(
    "--workspace", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_WORKSPACE
)
def add_user(name: str, role: str, workspace: Path) -> None:
    """Add the account NAME with ROLE (or set its role and password): coordinator (all),
    manager (personal course requests and reading) or viewer (reading). The password
    comes from SCHEMALAGGNING_PASSWORD or a prompt."""
    from schemalaggning.web.views import ROLE_WORDS
    from schemalaggning.web.workspace import Workspace

    name = name.strip()
    if not name or len(name) > 100:
        raise click.BadParameter("expected a name of 1 to 100 characters", param_hint="NAME")
    password = os.environ.get(ACCOUNT_PASSWORD_VARIABLE) or click.prompt(
        _("Password for {name}").format(name=name), hide_input=True, confirmation_prompt=True
    )
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(
            f"expected a password of at least {MIN_PASSWORD} characters", param_hint="password"
        )
    store = Workspace(workspace).store()
    store.add_account(name, role, password)
    store.audit(name, "account", role)
    click.echo(
        _("The account {name} ({role}) is now in {workspace}.").format(
            name=name, role=ROLE_WORDS[role], workspace=workspace
        )
    )


@users.command("list")
@click.option(
    "--workspace", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_WORKSPACE
)
def list_users(workspace: Path) -> None:
    """List the accounts and their roles."""
    from schemalaggning.web.workspace import Workspace

    for account in Workspace(workspace).store().accounts():
        click.echo(f"{account.name}\t{account.role}")
