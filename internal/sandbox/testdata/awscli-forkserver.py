"""A fork server for the AWS CLI, so the smoke test pays Python's start-up
and the CLI's imports once instead of on each of its hundreds of calls.

    python awscli-forkserver.py serve SOCKET SERVICE...   # run by the test
    python awscli-forkserver.py call SOCKET ARGS...       # stands for "aws ARGS..."

The server imports the CLI installed for its interpreter, builds its
driver and loads the named services' models, then forks once per call.
Each child gets the caller's arguments, environment, working directory
and standard streams (passed over the Unix socket), and runs the CLI's own
entry point on them, exactly as the aws script does; its exit status goes
back to the caller. A fork starts from the same state every time, so no
call sees another's.
"""
import array
import json
import os
import signal
import socket
import sys


def serve(path, services):
    import awscli.clidriver as clidriver

    v2 = hasattr(clidriver, "AWSCLIEntryPoint")
    driver = clidriver.create_clidriver([]) if v2 else clidriver.create_clidriver()
    loader = driver.session.get_component("data_loader")
    for name in ("endpoints", "partitions", "sdk-default-configuration"):
        try:
            loader.load_data(name)
        except Exception:
            pass  # not every botocore has every file
    for svc in services:
        loader.load_service_model(svc, "service-2")
    driver._get_command_table()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reap themselves
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(64)
    print("ready", flush=True)
    while True:
        conn, _ = srv.accept()
        if os.fork() == 0:
            srv.close()
            run(conn, driver, clidriver, v2)
        conn.close()


def run(conn, driver, clidriver, v2):
    rc = 255
    try:
        msg, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
        req = json.loads(msg)
        for i, fd in enumerate(fds):
            os.dup2(fd, i)
            os.close(fd)
        os.environ.clear()
        os.environ.update(req["env"])
        os.chdir(req["cwd"])
        sys.argv = ["aws"] + req["args"]
        try:
            if v2:
                rc = clidriver.AWSCLIEntryPoint(driver).main(req["args"])
            else:
                rc = driver.main(req["args"])
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        try:
            conn.sendall(bytes([rc & 0xFF]))
        finally:
            os._exit(0)


def call(path, args):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(path)
    req = {"args": args, "env": dict(os.environ), "cwd": os.getcwd()}
    socket.send_fds(c, [json.dumps(req).encode()], [0, 1, 2])
    rc = c.recv(1)
    sys.exit(rc[0] if rc else 255)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3:])
    else:
        call(sys.argv[2], sys.argv[3:])
