"""The public repositories: every plan as a blocking method and as a coroutine.

``MessageScyllaRepo`` follows Django's convention: ``insert_message`` blocks,
``ainsert_message`` is its async twin. ``AsyncMessageScyllaRepo`` is the
seed's client, whose plain names are coroutines (``await
repo.insert_message(message)``). All of them run the same plans (see
``plans.py``); the lines below only declare which plan each name runs.
"""

from __future__ import annotations

from messaging.repository.channels import ChannelPlans
from messaging.repository.messages import MessagePlans
from messaging.repository.paging import PagingPlans
from messaging.repository.plans import async_operation, sync_operation
from messaging.repository.reactions import ReactionPlans


class _AllPlans(MessagePlans, PagingPlans, ReactionPlans, ChannelPlans):
    pass


class MessageScyllaRepo(_AllPlans):
    """The message store's repository: blocking methods and their ``a*`` coroutines."""

    insert_message = sync_operation(_AllPlans.plan_insert_message)
    insert_messages = sync_operation(_AllPlans.plan_insert_messages)
    get_message = sync_operation(_AllPlans.plan_get_message)
    get_messages = sync_operation(_AllPlans.plan_get_messages)
    get_messages_by_ids = sync_operation(_AllPlans.plan_get_messages_by_ids)
    get_message_by_telegram_id = sync_operation(_AllPlans.plan_get_message_by_telegram_id)
    edit_message = sync_operation(_AllPlans.plan_edit_message)
    delete_message = sync_operation(_AllPlans.plan_delete_message)
    add_reaction = sync_operation(_AllPlans.plan_add_reaction)
    remove_reaction = sync_operation(_AllPlans.plan_remove_reaction)
    get_reactions = sync_operation(_AllPlans.plan_get_reactions)
    add_reaction_counts = sync_operation(_AllPlans.plan_add_reaction_counts)
    pin_message = sync_operation(_AllPlans.plan_pin_message)
    unpin_message = sync_operation(_AllPlans.plan_unpin_message)
    get_pinned_messages = sync_operation(_AllPlans.plan_get_pinned_messages)
    set_read_position = sync_operation(_AllPlans.plan_set_read_position)
    get_read_position = sync_operation(_AllPlans.plan_get_read_position)
    get_telegram_sync_state = sync_operation(_AllPlans.plan_get_telegram_sync_state)
    get_telegram_sync_states_by_chat = sync_operation(
        _AllPlans.plan_get_telegram_sync_states_by_chat
    )
    update_telegram_sync_state = sync_operation(_AllPlans.plan_update_telegram_sync_state)
    get_channel_metadata = sync_operation(_AllPlans.plan_get_channel_metadata)
    get_channel_metadata_many = sync_operation(_AllPlans.plan_get_channel_metadata_many)
    update_channel_metadata = sync_operation(_AllPlans.plan_update_channel_metadata)

    ainsert_message = async_operation(_AllPlans.plan_insert_message)
    ainsert_messages = async_operation(_AllPlans.plan_insert_messages)
    aget_message = async_operation(_AllPlans.plan_get_message)
    aget_messages = async_operation(_AllPlans.plan_get_messages)
    aget_messages_by_ids = async_operation(_AllPlans.plan_get_messages_by_ids)
    aget_message_by_telegram_id = async_operation(_AllPlans.plan_get_message_by_telegram_id)
    aedit_message = async_operation(_AllPlans.plan_edit_message)
    adelete_message = async_operation(_AllPlans.plan_delete_message)
    aadd_reaction = async_operation(_AllPlans.plan_add_reaction)
    aremove_reaction = async_operation(_AllPlans.plan_remove_reaction)
    aget_reactions = async_operation(_AllPlans.plan_get_reactions)
    aadd_reaction_counts = async_operation(_AllPlans.plan_add_reaction_counts)
    apin_message = async_operation(_AllPlans.plan_pin_message)
    aunpin_message = async_operation(_AllPlans.plan_unpin_message)
    aget_pinned_messages = async_operation(_AllPlans.plan_get_pinned_messages)
    aset_read_position = async_operation(_AllPlans.plan_set_read_position)
    aget_read_position = async_operation(_AllPlans.plan_get_read_position)
    aget_telegram_sync_state = async_operation(_AllPlans.plan_get_telegram_sync_state)
    aget_telegram_sync_states_by_chat = async_operation(
        _AllPlans.plan_get_telegram_sync_states_by_chat
    )
    aupdate_telegram_sync_state = async_operation(_AllPlans.plan_update_telegram_sync_state)
    aget_channel_metadata = async_operation(_AllPlans.plan_get_channel_metadata)
    aget_channel_metadata_many = async_operation(_AllPlans.plan_get_channel_metadata_many)
    aupdate_channel_metadata = async_operation(_AllPlans.plan_update_channel_metadata)


class AsyncMessageScyllaRepo(_AllPlans):
    """The seed's client: the same operations, every plain name a coroutine."""

    insert_message = MessageScyllaRepo.ainsert_message
    insert_messages = MessageScyllaRepo.ainsert_messages
    get_message = MessageScyllaRepo.aget_message
    get_messages = MessageScyllaRepo.aget_messages
    get_messages_by_ids = MessageScyllaRepo.aget_messages_by_ids
    get_message_by_telegram_id = MessageScyllaRepo.aget_message_by_telegram_id
    edit_message = MessageScyllaRepo.aedit_message
    delete_message = MessageScyllaRepo.adelete_message
    add_reaction = MessageScyllaRepo.aadd_reaction
    remove_reaction = MessageScyllaRepo.aremove_reaction
    get_reactions = MessageScyllaRepo.aget_reactions
    add_reaction_counts = MessageScyllaRepo.aadd_reaction_counts
    pin_message = MessageScyllaRepo.apin_message
    unpin_message = MessageScyllaRepo.aunpin_message
    get_pinned_messages = MessageScyllaRepo.aget_pinned_messages
    set_read_position = MessageScyllaRepo.aset_read_position
    get_read_position = MessageScyllaRepo.aget_read_position
    get_telegram_sync_state = MessageScyllaRepo.aget_telegram_sync_state
    get_telegram_sync_states_by_chat = MessageScyllaRepo.aget_telegram_sync_states_by_chat
    update_telegram_sync_state = MessageScyllaRepo.aupdate_telegram_sync_state
    get_channel_metadata = MessageScyllaRepo.aget_channel_metadata
    get_channel_metadata_many = MessageScyllaRepo.aget_channel_metadata_many
    update_channel_metadata = MessageScyllaRepo.aupdate_channel_metadata
