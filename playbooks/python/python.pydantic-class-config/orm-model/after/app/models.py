"""User models."""
from typing import Optional

from pydantic import BaseModel
from pydantic import ConfigDict


class User(BaseModel):
    name: str
    email: Optional[str] = None

    model_config = ConfigDict(from_attributes=True, frozen=True)


class Team(BaseModel):
    title: str
