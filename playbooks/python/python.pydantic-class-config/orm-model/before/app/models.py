"""User models."""
from typing import Optional

from pydantic import BaseModel


class User(BaseModel):
    name: str
    email: Optional[str] = None

    class Config:
        """How users validate."""
        orm_mode = True
        frozen = True


class Team(BaseModel):
    title: str
