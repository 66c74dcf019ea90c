"""Run a command over SSH with asyncssh (key authentication).

For the weekly log report and the monthly rootkit run (art. 3.2): the command's exit
status is its state, as check_by_ssh passes on a remote plugin's exit code, and its
first output line is the summary; the full output is kept for the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from clausier.probes.base import Probe, ProbeContext
from clausier.probes.result import Outcome, State


@dataclass(frozen=True, kw_only=True)
class SshCommandResult:
    exit_status: int
    stdout: str
    stderr: str


async def run_ssh_command(
    ctx: ProbeContext,
    host: str,
    port: int,
    user: str,
    key_path: str,
    command: str,
    known_hosts: str | None = None,
) -> SshCommandResult:
    import asyncssh  # noqa: PLC0415 - optional library, loaded by the first check of this kind

    address = (await ctx.resolve(host, port))[0]
    async with asyncssh.connect(
        address,
        port=port,
        username=user,
        client_keys=[key_path],
        # None disables host-key checking, as check_by_ssh -o StrictHostKeyChecking=no;
        # give a known_hosts file in production.
        known_hosts=known_hosts,
    ) as connection:
        completed = await connection.run(command, check=False)
    return SshCommandResult(
        exit_status=completed.exit_status if completed.exit_status is not None else 3,
        stdout=str(completed.stdout or ""),
        stderr=str(completed.stderr or ""),
    )


@dataclass(frozen=True, kw_only=True)
class SshCommandProbe(Probe):
    kind: ClassVar[str] = "ssh_command"
    port: int = 22
    user: str = "root"
    key_path: str = field(repr=False)
    command: str
    known_hosts: str | None = None

    async def run(self, ctx: ProbeContext) -> Outcome:
        import asyncssh  # noqa: PLC0415 - same

        try:
            result = await run_ssh_command(
                ctx,
                self.host,
                self.port,
                self.user,
                self.key_path,
                self.command,
                self.known_hosts,
            )
        except asyncssh.PermissionDenied as exc:
            return Outcome(State.UNKNOWN, f"SSH UNKNOWN - permission denied: {exc.reason}")
        except (asyncssh.Error, OSError) as exc:
            # check_by_ssh: when the command could not run at all, the remote state is
            # unknown (ssh exits 255), whatever the reason.
            return Outcome(State.UNKNOWN, f"SSH UNKNOWN - {exc} ({self.host}:{self.port})")
        state = State(result.exit_status) if 0 <= result.exit_status <= 3 else State.UNKNOWN
        first = (result.stdout.strip().splitlines() or [""])[0]
        return Outcome(state, first or f"SSH {state.name} - exit status {result.exit_status}")
