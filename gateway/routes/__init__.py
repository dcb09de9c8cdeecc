"""Route mixins, one module per resource; `gateway.service.GatewayService` composes them."""
