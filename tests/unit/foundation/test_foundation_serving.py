"""ServerThread: a real HTTP server on 127.0.0.1, port 0, serving a plain WSGI app from granian's threads."""
from __future__ import annotations

import http.client
import socket
import threading
import time
from typing import Any, Callable, Iterator

import pytest

from foundation.serving import ServerThread

StartResponse = Callable[..., Any]


def get(server: ServerThread, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture()
def serve() -> Iterator[Callable[[Callable[..., Any]], ServerThread]]:
    started: list[ServerThread] = []

    def start(app: Callable[..., Any]) -> ServerThread:
        server = ServerThread("127.0.0.1", 0)
        started.append(server)
        return server.start(app)

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def test_the_app_gets_a_pep_3333_environ_without_the_process_environment(serve, monkeypatch) -> None:
    # A variable named like a CGI header must never reach the app as if the client had sent it.
    monkeypatch.setenv("HTTP_X_INJECTED", "from-the-environment")
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        seen.update(environ)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = serve(app)
    status, headers, body = get(server, "/a%20b?x=1")
    assert (status, body, headers["server"]) == (200, b"ok", "anaf-sandbox")
    assert (seen["REQUEST_METHOD"], seen["PATH_INFO"], seen["QUERY_STRING"]) == ("GET", "/a b", "x=1")
    assert (seen["SCRIPT_NAME"], seen["wsgi.url_scheme"], seen["wsgi.version"]) == ("", "http", (1, 0))
    assert "HTTP_X_INJECTED" not in seen


def test_streamed_bodies_are_sent_and_closed_and_write_comes_first(serve) -> None:
    closed = threading.Event()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Any:
        if environ["PATH_INFO"] == "/write":
            write = start_response("200 OK", [("Content-Type", "text/plain")])
            write(b"written-")
            return [b"returned"]

        def chunks() -> Iterator[bytes]:
            try:
                yield b"one-"
                yield b"two"
            finally:
                closed.set()

        start_response("201 Created", [("Content-Type", "text/plain"), ("Server", "its-own")])
        return chunks()

    server = serve(app)
    status, headers, body = get(server, "/stream")
    assert (status, body, headers["server"]) == (201, b"one-two", "its-own")
    assert closed.wait(10)
    assert get(server, "/write")[2] == b"written-returned"


def test_an_app_that_raises_gets_a_500_and_the_server_keeps_serving(serve) -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        if environ["PATH_INFO"] == "/boom":
            raise RuntimeError("a bug below the services")
        start_response("200 OK", [])
        return [b"fine"]

    server = serve(app)
    assert get(server, "/boom")[0] == 500
    assert get(server, "/")[:3:2] == (200, b"fine")


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:
        pass  # it was queued when the listener closed: ask again
    return False


def test_stop_frees_the_port_at_once_and_waits_for_the_request_in_progress() -> None:
    entered, release = threading.Event(), threading.Event()

    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        entered.set()
        release.wait(10)
        start_response("200 OK", [])
        return [b"finished"]

    server = ServerThread("127.0.0.1", 0).start(app)
    answers: list[Any] = []
    client = threading.Thread(target=lambda: answers.append(get(server, "/slow")))
    client.start()
    assert entered.wait(10)
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    deadline = time.monotonic() + 10
    while not refuses_connections(server.port) and time.monotonic() < deadline:
        pass
    assert refuses_connections(server.port)
    again = ServerThread("127.0.0.1", server.port)  # the port binds again while the request still runs
    again.stop()
    assert stopper.is_alive() and not answers  # stop() is waiting for the request
    release.set()
    stopper.join(10)
    client.join(10)
    assert not stopper.is_alive()
    assert answers[0][0] == 200 and answers[0][2] == b"finished"


def test_a_port_in_use_is_refused_at_construction() -> None:
    first = ServerThread("127.0.0.1", 0)
    try:
        with pytest.raises(OSError):
            ServerThread("127.0.0.1", first.port)
    finally:
        first.stop()


def test_a_slow_request_does_not_hold_up_the_others(serve) -> None:
    # Two requests meet inside the app: with a single app thread the first would wait alone and fail.
    both_inside = threading.Barrier(2, timeout=10)

    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        both_inside.wait()
        start_response("200 OK", [])
        return [b"met"]

    server = serve(app)
    answers: list[Any] = []
    clients = [threading.Thread(target=lambda: answers.append(get(server, "/"))) for _ in range(2)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(15)
    assert [a[2] for a in answers] == [b"met", b"met"]


def ignores_the_body(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    start_response("405 METHOD NOT ALLOWED", [("Content-Type", "text/plain")])
    return [b"no"]


def test_a_body_the_app_left_unread_does_not_break_the_keep_alive_connection(serve) -> None:
    server = serve(ignores_the_body)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
        first = conn.sock
        for i in range(3000):  # unread bodies used to break the connection after a few hundred calls
            conn.request("POST", "/", b"a=b" * (1 + i % 200), {"Content-Type": "application/x-www-form-urlencoded"})
            response = conn.getresponse()
            assert (response.status, response.read()) == (405, b"no")
            assert response.getheader("Connection") is None
        assert conn.sock is first  # still the same connection
    finally:
        conn.close()


def test_past_the_drain_limit_the_answer_closes_the_connection(serve, monkeypatch) -> None:
    monkeypatch.setattr("foundation.serving.DRAIN_LIMIT", 1024)
    server = serve(ignores_the_body)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("POST", "/", b"x" * 1024, {"Content-Type": "application/octet-stream"})
        small = conn.getresponse()
        assert (small.status, small.read(), small.getheader("Connection")) == (405, b"no", None)
        conn.request("POST", "/", b"x" * 100_000, {"Content-Type": "application/octet-stream"})
        large = conn.getresponse()
        assert (large.status, large.read(), large.getheader("Connection")) == (405, b"no", "close")
        conn.request("GET", "/")  # http.client opens a new connection after `Connection: close`
        assert conn.getresponse().read() == b"no"
    finally:
        conn.close()
