#!/usr/bin/env python3
"""Regenerates the committed seed corpus of the fuzz targets (fuzz/corpus/<target>/).

Real lines come from the public sample transcripts (default /work/shared/samples/claude-home,
or the directory given as the first argument): the few smallest lines of every line kind. The
rest are hand-made edge cases. Seeds of found bugs (`crash-*`, `regression-*`) are kept as they are.
Run from anywhere: `python3 fuzz/seeds.py [CLAUDE_HOME]`.
"""
import glob
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/samples/claude-home"
MAX_LINE = 6000  # bytes: keep the corpus small
RS = b"\x1e"  # file separator of the ingest target


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def clear(target):
    folder = os.path.join(HERE, "corpus", target)
    for path in glob.glob(os.path.join(folder, "*")):
        name = os.path.basename(path)
        if not name.startswith(("crash-", "regression-")):
            os.remove(path)


def kind_of(line):
    try:
        obj = json.loads(line)
    except ValueError:
        return "bad"
    t = obj.get("type", "?")
    if "subtype" in obj:
        t += "-" + str(obj["subtype"])
    message = obj.get("message")
    if isinstance(message, dict):
        content = message.get("content")
        if isinstance(content, list) and content and isinstance(content[0], dict):
            t += "-" + str(content[0].get("type"))
        elif isinstance(content, str):
            t += "-string"
        if message.get("model") == "<synthetic>":
            t += "-synthetic"
    if obj.get("isSidechain"):
        t += "-sidechain"
    if obj.get("isMeta"):
        t += "-meta"
    if obj.get("isCompactSummary"):
        t += "-compact"
    return t


def real_lines():
    """The two smallest lines (under MAX_LINE) of every kind found in the samples."""
    by_kind = {}
    for path in sorted(glob.glob(os.path.join(SAMPLES, "projects", "**", "*.jsonl"), recursive=True)):
        with open(path, "rb") as f:
            for line in f.read().split(b"\n"):
                if line.strip() and len(line) <= MAX_LINE:
                    by_kind.setdefault(kind_of(line), []).append(line)
    chosen = []
    for kind in sorted(by_kind):
        for i, line in enumerate(sorted(by_kind[kind], key=len)[:2]):
            chosen.append((f"sample-{kind}-{i}", line))
    return chosen


def line(**fields):
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)


def assistant(session, uuid, ts, mid, req, model, usage, content=None, **extra):
    fields = dict(type="assistant", sessionId=session, uuid=uuid, parentUuid="p", cwd="/home/me/app",
                  timestamp=ts, message=dict(id=mid, model=model, role="assistant",
                                             content=content or [dict(type="text", text="ok")], usage=usage))
    if req is not None:
        fields["requestId"] = req
    if mid is None:
        del fields["message"]["id"]
    fields.update(extra)
    return line(**fields)


def user(session, uuid, ts, content="hi", **extra):
    return line(type="user", sessionId=session, uuid=uuid, parentUuid=None, cwd="/home/me/app", gitBranch="main",
                version="2.0.37", timestamp=ts, message=dict(role="user", content=content), **extra)


T = "2025-06-01T10:00:00.000Z"
USAGE = dict(input_tokens=100, output_tokens=10, cache_creation_input_tokens=5, cache_read_input_tokens=50)
BIG = 18446744073709551615


def edge_lines():
    e = {}
    good = assistant("s1", "a1", T, "msg_1", "req_1", "claude-sonnet-4-5", USAGE)
    e["truncated-half"] = good[: len(good) // 2]
    e["truncated-one-short"] = good[:-1]
    e["nul-inside"] = good[:40] + "\x00" + good[40:]
    e["nul-only"] = "\x00\x00\x00"
    e["invalid-utf8"] = good.encode()[:60] + b"\xff\xfe\xc3\x28" + good.encode()[60:]
    e["bom"] = b"\xef\xbb\xbf" + good.encode()
    e["blank"] = "   \t  "
    e["empty-object"] = "{}"
    e["array"] = "[1,2,3]"
    e["string"] = '"user"'
    e["null"] = "null"
    e["number"] = "12345678901234567890123"
    e["trailing-garbage"] = good + " x"
    e["two-objects"] = good + good
    e["u64-max-tokens"] = assistant("s1", "a1", T, "m", "r", "claude-sonnet-4-5",
                                    dict(input_tokens=BIG, output_tokens=BIG, cache_creation_input_tokens=BIG,
                                         cache_read_input_tokens=BIG))
    e["u64-overflow-tokens"] = good.replace('"input_tokens":100', '"input_tokens":18446744073709551616')
    e["negative-tokens"] = good.replace('"input_tokens":100', '"input_tokens":-100')
    e["float-tokens"] = good.replace('"input_tokens":100', '"input_tokens":100.5')
    e["exp-tokens"] = good.replace('"input_tokens":100', '"input_tokens":1e3')
    e["string-tokens"] = good.replace('"input_tokens":100', '"input_tokens":"100"')
    e["null-tokens"] = good.replace('"input_tokens":100', '"input_tokens":null')
    e["usage-null"] = good.replace('"usage":{', '"usage":null,"x":{')
    e["cost-huge"] = assistant("s1", "a1", T, "m", "r", "claude-sonnet-4-5", USAGE, costUSD=1e308)
    e["cost-negative"] = assistant("s1", "a1", T, "m", "r", "claude-sonnet-4-5", USAGE, costUSD=-1.5)
    e["cost-string"] = assistant("s1", "a1", T, "m", "r", "claude-sonnet-4-5", USAGE, costUSD="0.1")
    e["cost-overflow"] = good[:-1] + ',"costUSD":1e400}'
    e["deep-nesting"] = '{"type":"user","x":' + "[" * 300 + "]" * 300 + "}"
    e["deep-content"] = user("s1", "u1", T, content=[]).replace('"content":[]', '"content":' + "[" * 200 + "]" * 200)
    e["deep-tool-input"] = assistant("s1", "a1", T, "m", "r", "x", USAGE,
                                     content=[dict(type="tool_use", id="t", name="Bash", input={})]).replace(
        '"input":{}', '"input":' + '{"a":' * 120 + "1" + "}" * 120)
    e["unknown-type"] = line(type="brand-new-kind", sessionId="s1", timestamp=T, payload=[1, {"a": None}])
    e["no-type"] = line(sessionId="s1", uuid="u", timestamp=T)
    e["type-number"] = '{"type":7,"sessionId":"s1"}'
    e["duplicate-key"] = '{"type":"user","type":"assistant","sessionId":"s1","timestamp":"' + T + '"}'
    e["wrong-types"] = '{"type":"user","uuid":5,"sessionId":["s"],"timestamp":"' + T + '","message":{"content":"x"}}'
    e["sidechain-string"] = user("s1", "u1", T).replace('"parentUuid":null', '"isSidechain":"yes"')
    e["content-number"] = user("s1", "u1", T, content=5)
    e["content-object"] = user("s1", "u1", T, content={"text": "x"})
    e["blocks-odd"] = user("s1", "u1", T, content=[{}, {"type": None}, {"type": "tool_result", "content": [
        {"type": "text", "text": "deep"}, {"type": "image"}], "is_error": True}, {"type": "document"}, 7])
    e["lone-surrogate"] = user("s1", "u1", T).replace('"content":"hi"', '"content":"\\ud800x"')
    e["escaped-nul"] = user("s1", "u1", T).replace('"content":"hi"', '"content":"a\\u0000b"')
    e["unicode"] = user("s1", "u1", T, content="héllo wörld 🎉 \u202e rtl \u200b")
    e["long-text"] = user("s1", "u1", T, content="x" * 4000)
    e["summary"] = line(type="summary", summary="A title", leafUuid="a1")
    e["summary-number"] = '{"type":"summary","summary":5,"leafUuid":"a1"}'
    e["custom-title"] = line(type="custom-title", sessionId="s1", customTitle="Mine")
    e["ai-title-null"] = '{"type":"ai-title","sessionId":"s1","aiTitle":null}'
    e["system-subtype-number"] = '{"type":"system","subtype":3,"timestamp":"' + T + '"}'
    e["synthetic"] = assistant("s1", "a9", T, "m9", None, "<synthetic>", dict(input_tokens=0, output_tokens=0),
                               content=[dict(type="text", text="Claude AI usage limit reached|99999999999999999999")],
                               isApiErrorMessage=True)
    for name, ts in [("ts-year-0", "0000-01-01T00:00:00Z"), ("ts-year-9999", "9999-12-31T23:59:59.999Z"),
                     ("ts-feb-30", "2025-02-30T00:00:00Z"), ("ts-leap-second", "2016-12-31T23:59:60Z"),
                     ("ts-offset-max", "2025-06-01T00:00:00+23:59"), ("ts-lower-z", "2025-06-01t00:00:00z"),
                     ("ts-space", "2025-06-01 00:00:00Z"), ("ts-no-zone", "2025-06-01T00:00:00"),
                     ("ts-nanos", "2025-06-01T00:00:00.123456789123Z"), ("ts-empty", ""),
                     ("ts-date-only", "2025-06-01"), ("ts-negative-year", "-0001-01-01T00:00:00Z")]:
        e[name] = user("s1", "u1", ts)
    e["ts-number"] = user("s1", "u1", T).replace('"' + T + '"', "1748822400000")
    e["ts-null"] = user("s1", "u1", T).replace('"' + T + '"', "null")
    return e


def parse_line_corpus():
    clear("parse_line")
    for name, data in real_lines():
        write("parse_line", name, data)
    for name, data in edge_lines().items():
        write("parse_line", "edge-" + name, data)


def ingest_seed(header, files):
    return bytes(header) + RS.join(f.encode() if isinstance(f, str) else f for f in files)


def ingest_corpus():
    clear("ingest")
    # Small real files, whole, with their sub-agent files.
    root = os.path.join(SAMPLES, "projects")
    real = [
        ["-Users-user-project/be89c3cd-bfbf-4c4f-a515-5af6e13249bf.jsonl", "-Users-user-project/agent-a4e24f0.jsonl",
         "-Users-user-project/agent-a434715.jsonl"],
    ]
    for i, group in enumerate(real):
        files = []
        for rel in group:
            path = os.path.join(root, rel)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    files.append(f.read())
        if files:
            write("ingest", f"sample-files-{i}", ingest_seed([0, 7, 200, 0x11], files))
    # Every small real line of every kind in one file (no chunking: one big chunk).
    lines = b"\n".join(data for _, data in real_lines()) + b"\n"
    write("ingest", "sample-lines-all-kinds", ingest_seed([0, 255, 255, 0x10], [lines]))

    s = "s1"
    t = lambda sec: f"2025-06-01T10:{sec // 60:02d}:{sec % 60:02d}.000Z"
    multi = [user(s, "u1", t(0), "Fix it")] + [
        assistant(s, f"a{k}", t(k), "msg_1", "req_1", "claude-sonnet-4-5-20250929",
                  dict(USAGE, output_tokens=k * 10),
                  content=[dict(type="tool_use", id="toolu_1", name="Read", input={"p": "x"})] if k == 3 else None)
        for k in range(1, 4)
    ] + [user(s, "u2", t(5), content=[dict(type="tool_result", tool_use_id="toolu_1", content="err", is_error=True)]),
         line(type="summary", summary="Fixing", leafUuid="a3")]
    main = "\n".join(multi) + "\n"
    side = "\n".join([
        assistant(s, "b1", t(20), "msg_2", "req_2", "claude-haiku-4-5", USAGE, isSidechain=True, agentId="a77"),
        assistant(s, "b2", t(21), "msg_1", "req_1", "claude-sonnet-4-5-20250929", USAGE, isSidechain=True),
    ]) + "\n"
    replay = "\n".join([user("s2", "u1", t(0), "Fix it"), multi[2], user("s2", "v1", t(30), "again")]) + "\n"
    write("ingest", "multi-line-response", ingest_seed([0, 3, 17, 0x00], [main]))
    write("ingest", "subagents-and-replays", ingest_seed([0, 1, 9, 0x01], [main, replay, side, side]))
    write("ingest", "suspended-last-line", ingest_seed([1, 5, 5, 0x02], [main, main[:-30], replay + replay[:50]]))
    write("ingest", "records-roundtrip", ingest_seed([3, 30, 60, 0x1d], [side, main, replay]))
    write("ingest", "zones-and-midnights", ingest_seed([0, 2, 2, 0x0c], [
        "\n".join([user("z", "u1", "2025-03-30T00:30:00+01:00"), assistant("z", "a1", "2025-10-26T00:59:59.999Z",
                  "m", "r", "claude-opus-4-6", USAGE), assistant("z", "a2", "2025-09-07T03:59:59Z", "m2", None,
                  "claude-opus-4-6", USAGE)]) + "\n"]))
    write("ingest", "no-ids-no-session", ingest_seed([6, 0, 0, 0x10], [
        "\n".join([assistant("x", "a1", T, None, None, "claude-sonnet-4-5", USAGE).replace('"sessionId":"x",', ""),
                   assistant("x", "a2", T, "m", None, "claude-sonnet-4-5", USAGE),
                   assistant("x", "a3", T, "m", None, "claude-sonnet-4-5", dict(USAGE, output_tokens=11))])]))
    write("ingest", "empty-files", ingest_seed([0, 0, 0, 0x03], [b"", b"\n\n", b"", b"\r\n"]))
    write("ingest", "binary-junk", ingest_seed([2, 9, 1, 0x00], [bytes(range(256)) + b"\n" + main.encode()[:100]]))
    write("ingest", "crlf-lines", ingest_seed([0, 11, 13, 0x00], [main.replace("\n", "\r\n")]))
    write("ingest", "odd-prices", ingest_seed([0, 40, 40, 0x10], ["\n".join([
        assistant("p", "a1", T, "m1", "r1", "claude-opus-4-6",
                  dict(input_tokens=250000, output_tokens=9, cache_creation=dict(ephemeral_5m_input_tokens=1,
                       ephemeral_1h_input_tokens=2), server_tool_use=dict(web_search_requests=3), speed="fast")),
        assistant("p", "a2", T, "m2", "r2", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", USAGE),
        assistant("p", "a3", T, "m3", "r3", "mystery-model", USAGE),
        assistant("p", "a4", T, "m4", "r4", "claude-3-opus-20240229", USAGE, costUSD=0.5),
        assistant("p", "a5", T, "m5", "r5", "<synthetic>", dict(input_tokens=0, output_tokens=0),
                  isApiErrorMessage=True)]) + "\n"]))
    write("ingest", "many-titles", ingest_seed([0, 64, 64, 0x00], ["\n".join([
        user("t", "u1", T, "x" * 200), line(type="custom-title", sessionId="t", customTitle="Custom"),
        line(type="ai-title", sessionId="t", aiTitle="AI"), line(type="summary", summary="Sum", leafUuid="u1"),
        line(type="summary", summary="Other", leafUuid="nowhere"),
        line(type="system", subtype="compact_boundary", sessionId="t", uuid="y", timestamp=T),
        user("t", "u2", T, "<command-name>/clear</command-name>", isMeta=True),
        user("t", "u3", T, "compacted", isCompactSummary=True)]) + "\n"]))
    # Reproducers of the arithmetic overflows found by this target (debug builds panic; release
    # builds wrap): kept so that scripts/fuzz fails until they are fixed.
    for name, lines in overflow_reproducers().items():
        write("ingest", "crash-overflow-" + name, ingest_seed([0, 255, 255, 0], ["\n".join(lines) + "\n"]))
    # Reproducer of the nondeterministic summary title (a leaf uuid on lines of two sessions).
    two = [assistant("s1", "x", T, "m1", "r1", "claude-sonnet-4-5", USAGE)
           + '\n{"type":"summary","summary":"Title","leafUuid":"x"}',
           assistant("s2", "x", "2025-06-01T11:00:00.000Z", "m2", "r2", "claude-sonnet-4-5", USAGE)]
    write("ingest", "crash-summary-leaf-in-two-sessions",
          ingest_seed([0, 4, 9, 0x11], [two[0] + "\n", two[1] + "\n"]))
    edges = {k: v for k, v in edge_lines().items() if k not in ("u64-max-tokens", "cost-huge")}
    write("ingest", "edge-lines-one-file", ingest_seed([0, 13, 77, 0x10],
                                                       [b"\n".join(v if isinstance(v, bytes) else v.encode()
                                                                   for v in edges.values()) + b"\n"]))


def overflow_reproducers():
    """One transcript per overflowing addition (u64 tokens and pico-dollars)."""
    def a(uuid, mid, usage, model="claude-sonnet-4-5", **extra):
        return assistant("s1", uuid, T, mid, "r" + mid, model, usage, content=[], **extra)
    return {
        # pricing.rs response_cost: input + cache_creation + cache_read
        "pricing-context": [a("a1", "m1", dict(input_tokens=BIG, cache_read_input_tokens=1))],
        # dataset.rs Tokens::with_cache
        "tokens-with-cache": [a("a1", "m1", dict(input_tokens=2**63, output_tokens=2**63), model="mystery")],
        # dataset.rs Tokens::add
        "tokens-add": [a("a1", "m1", dict(input_tokens=2**63), model="mystery"),
                       a("a2", "m2", dict(input_tokens=2**63), model="mystery")],
        # money.rs usd: pico + 500_000 (a response priced at the u64::MAX cap)
        "money-usd": [a("a1", "m1", dict(output_tokens=BIG))],
        # build.rs session cost: sum of two responses' pico-dollars (costUSD of $10M each)
        "session-cost": [a("a1", "m1", dict(output_tokens=1), costUSD=1e7),
                         a("a2", "m2", dict(output_tokens=1), costUSD=1e7)],
    }


def query_corpus():
    clear("query")
    endpoints = ["overview", "sessions", "sessions/s1", "sessions/s%202%3F%26%2F%C3%A9", "daily-usage",
                 "model-distribution", "tool-usage", "projects", "heatmap", "blocks", "export", "nope"]
    seeds = {
        "root": "/",
        "api": "/api",
        "analytics": "/api/analytics/",
        "overview-plain": "/api/analytics/overview",
        "overview-slash": "/api/analytics/overview/",
        "overview-filters": "/api/analytics/overview?dateFrom=2025-06-01&dateTo=2025-06-01&tz=Europe/Berlin"
                            "&project=/home/me/app&model=claude-sonnet-4-5-20250929",
        "sessions-page": "/api/analytics/sessions?limit=1&offset=1&sort=cost&order=asc",
        "sessions-limits": "/api/analytics/sessions?limit=0&offset=-1",
        "sessions-huge": "/api/analytics/sessions?limit=1000&offset=18446744073709551615",
        "sessions-overflow": "/api/analytics/sessions?limit=18446744073709551616&offset=99999999999999999999999",
        "session-detail": "/api/analytics/sessions/s1?messagesLimit=1&messagesOffset=1",
        "session-detail-encoded": "/api/analytics/sessions/s%202%3F%26%2F%C3%A9",
        "session-detail-plus": "/api/analytics/sessions/s+2",
        "session-missing": "/api/analytics/sessions/nope",
        "session-empty": "/api/analytics/sessions/",
        "session-nested": "/api/analytics/sessions/s1/extra",
        "export-csv-sessions": "/api/analytics/export?format=csv&entity=sessions",
        "export-csv-daily": "/api/analytics/export?format=csv&entity=daily&tz=Pacific/Kiritimati",
        "export-csv-empty": "/api/analytics/export?format=csv&dateFrom=2030-01-01",
        "export-bad": "/api/analytics/export?format=xml&entity=users",
        "blocks": "/api/analytics/blocks?tz=America/Santiago",
        "heatmap-zone": "/api/analytics/heatmap?tz=Asia/Kathmandu",
        "daily-chatham": "/api/analytics/daily-usage?tz=Pacific/Chatham",
        "unknown": "/api/analytics/nope?x=1",
        "other-api": "/api/sync/status",
        "double-question": "/api/analytics/overview??dateFrom=2025-01-01?x",
        "fragment": "/api/analytics/overview#frag?x",
    }
    queries = {
        "percent": "dateFrom=%",
        "percent-zz": "tz=%zz&model=%4",
        "percent-end": "project=%2",
        "percent-nul": "project=%00&model=a%00b",
        "percent-invalid-utf8": "project=%ff%fe&tz=%C3",
        "plus": "project=/home/me/other,+%22quoted%22",
        "repeated": "dateFrom=2025-01-01&dateFrom=garbage&tz=UTC&tz=Nowhere",
        "empty-keys": "&&=&=x&dateFrom=&tz=",
        "unicode": "project=/hömé/🎉&model=ü",
        "long": "project=" + "a" * 3000,
        "date-bounds-swapped": "dateFrom=2025-06-02&dateTo=2025-06-01",
        "date-max": "dateFrom=+262142-12-31&dateTo=+262143-12-31",
        "date-min": "dateFrom=-262143-01-01&dateTo=-262143-01-02",
        "date-time-local": "dateFrom=2025-03-30T02:30&dateTo=2025-10-26T02:30:00.5&tz=Europe/Berlin",
        "date-time-offset": "dateFrom=2025-06-01T00:00:00%2B14:00&dateTo=2025-06-01T00:00:00-12:00",
        "date-odd": "dateFrom=2025-02-30&dateTo=2025-13-01",
        "date-year-0": "dateFrom=0000-01-01&dateTo=9999-12-31",
        "date-far-local": "dateFrom=+262143-12-31T23:59&tz=America/Santiago",
        "tz-odd": "tz=Etc/GMT%2B12",
        "tz-lower": "tz=europe/berlin",
        "sort-odd": "sort=tokens&order=sideways",
        "entity": "format=csv&entity=daily&dateFrom=2025-06-01",
    }
    for name, target in seeds.items():
        write("query", "target-" + name, target)
    for i, (name, query) in enumerate(queries.items()):
        write("query", "query-" + name, bytes([i % len(endpoints)]) + query.encode())
    for i, endpoint in enumerate(endpoints):
        write("query", "endpoint-" + endpoint.replace("/", "_").replace("%", ""), bytes([i]))


if __name__ == "__main__":
    parse_line_corpus()
    ingest_corpus()
    query_corpus()
    total = 0
    for path in glob.glob(os.path.join(HERE, "corpus", "*", "*")):
        total += os.path.getsize(path)
    print(f"corpus: {len(glob.glob(os.path.join(HERE, 'corpus', '*', '*')))} files, {total} bytes")
