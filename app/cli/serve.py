from __future__ import annotations

import os

import click
import uvicorn

from app.core.config import get_settings, local_base_url


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, envvar="HOST", help="address to listen on"
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    envvar="PORT",
    type=click.IntRange(1, 65535),
    help="port to listen on",
)
@click.option("--workers", default=1, show_default=True, type=int, help="worker processes")
@click.option("--reload", is_flag=True, help="restart on code changes (development)")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the API and public pages with uvicorn (docs at /docs).

    Unless GIMARK_PUBLIC_BASE_URL is set, the URLs the service prints and puts in QR codes
    follow --host and --port."""
    # Through the environment, so that uvicorn's worker processes read the same settings.
    os.environ["GIMARK_SERVE_HOST"], os.environ["GIMARK_SERVE_PORT"] = host, str(port)
    get_settings.cache_clear()
    click.echo(
        f"serving on {local_base_url(host, port)} (public URLs: {get_settings().public_base_url})"
    )
    uvicorn.run(
        "app.asgi:app",
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=False,  # gimark resolves client addresses itself (trusted proxies only)
        access_log=False,
    )


def register(group: click.Group) -> None:
    group.add_command(serve)
