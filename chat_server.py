"""Deck Q&A's chat server: `streamlit run chat_server.py` serves the chat page (`app.py`)
with the configured deck opened and warmed up while the server starts, as the API server
does, so the first visitor's page is as quick as the next one's. `streamlit run app.py`
serves the same page and opens the deck at the first visit instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import streamlit as st


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    from anyio import to_thread

    from interfaces.chat import preload_configured_deck

    await to_thread.run_sync(preload_configured_deck)
    yield


app = st.App("app.py", lifespan=lifespan)
