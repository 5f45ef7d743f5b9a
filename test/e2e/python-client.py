"""The Python SDK client (mcp 2.x) against a server generated from test/fixtures/everything.yaml.

Usage: python-client.py <the server's dist/index.js> <legacy|auto>
Prints "ok" when every check passed; an assertion says what did not.
"""

import sys

import anyio
import mcp_types as types
from mcp import Client
from mcp.client.stdio import StdioServerParameters

SERVER, MODE = sys.argv[1], sys.argv[2]


def answering(accept: bool):
    """An elicitation callback: says yes (or no) to the confirmation question."""

    async def answer(_context, params):
        assert params.message.startswith("Run "), params.message
        return types.ElicitResult(action="accept", content={"confirm": True}) if accept else types.ElicitResult(action="decline")

    return answer


def client(**options) -> Client:
    return Client(StdioServerParameters(command="node", args=[SERVER]), mode=MODE, **options)


def text(result: types.CallToolResult) -> str:
    return " ".join(block.text for block in result.content if isinstance(block, types.TextContent))


async def main() -> None:
    async with client(elicitation_callback=answering(True)) as c:
        expected = "2026-07-28" if MODE == "auto" else "2025-11-25"
        assert c.protocol_version == expected, c.protocol_version
        assert c.server_info.website_url == "https://example.com/orders", c.server_info
        assert c.server_info.icons[0].src.startswith("data:image/png;base64,"), c.server_info.icons

        tools = {tool.name: tool for tool in (await c.list_tools()).tools}
        assert tools["search_orders"].icons[0].src == "https://example.com/icons/search.svg"
        assert "total" in tools["search_orders"].output_schema["properties"]
        found = await c.call_tool("search_orders", {"email": "a@example.com"})
        assert found.structured_content == {"total": 0, "ids": ["example"], "truncated": True}, found

        done = await c.call_tool("delete_order", {"id": "42"})
        assert not done.is_error and done.structured_content == {"deleted": True}, done

        completion = await c.complete(types.PromptReference(type="ref/prompt", name="summarize_orders"), {"name": "period", "value": "last"})
        assert completion.completion.values == ["last week", "last month"], completion

        read = await c.read_resource("orders://1001")
        assert '"id":"1001"' in read.contents[0].text, read

        if MODE == "auto":
            # refresh_cache announces a change of the status resource (the e2e test's edit of the skeleton).
            async with c.listen(resource_subscriptions=["status://orders"]) as subscription:
                await c.call_tool("refresh_cache", {})
                with anyio.fail_after(30):
                    async for event in subscription:
                        assert event.uri == "status://orders", event
                        break

    async with client(elicitation_callback=answering(False)) as c:
        declined = await c.call_tool("delete_order", {"id": "42"})
        assert declined.is_error and "did not confirm" in text(declined), declined

    async with client() as c:
        refused = await c.call_tool("delete_order", {"id": "42"})
        assert refused.is_error and "cannot ask its user" in text(refused), refused
        optional = await c.call_tool("refresh_cache", {})
        assert not optional.is_error, optional

    print("ok")


anyio.run(main)
