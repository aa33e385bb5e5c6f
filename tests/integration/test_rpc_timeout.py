"""A service calling another whose queue exists but which is down gives up after its timeout
(nameko's RpcProxy waits forever, holding the worker)."""

import pytest
from kombu import Connection, Queue
from nameko.exceptions import RemoteError
from nameko.rpc import get_rpc_exchange
from nameko.standalone.rpc import ServiceRpcProxy

from khuyenhoc.rpc import TimedRpcProxy, rpc


class Caller:
    name = "caller"
    ghost = TimedRpcProxy("ghost", timeout=0.5)

    @rpc
    def ask(self):
        return self.ghost.anything()


def test_a_call_to_a_service_that_is_down_times_out(container_factory, config):
    queue = Queue("rpc-ghost", exchange=get_rpc_exchange(config), routing_key="ghost.*")
    with Connection(config["AMQP_URI"]) as connection:
        queue(connection.default_channel).declare()  # its queue exists, nobody consumes
        try:
            container_factory(Caller, config).start()
            with (
                ServiceRpcProxy("caller", config, timeout=10) as caller,
                pytest.raises(RemoteError, match="RpcTimeout.*ghost.anything"),
            ):
                caller.ask()
        finally:
            queue(connection.default_channel).delete()
