import { authenticate, identityOf, requireRole, type App } from '@orderly/service-kit';
import type { FastifyRequest } from 'fastify';
import type { OrdersDeps } from '../deps.ts';
import { cancelOrder } from './cancel-order.ts';
import { changeOrderStatus } from './change-order-status.ts';
import { getOrder } from './get-order.ts';
import { listOrders } from './list-orders.ts';
import type { Actor } from './order.ts';
import { placeOrder } from './place-order.ts';
import { ChangeStatusBody, ListOrdersQuery, OrderIdParams, OrderPageSchema, OrderSchema, PlaceOrderBody, PlaceOrderHeaders } from './orders.schemas.ts';

const actorOf = (request: FastifyRequest): Actor => {
  const identity = identityOf(request);
  return { userId: identity.userId, isAdmin: identity.roles.includes('admin') };
};

/**
 * The /v1/orders routes. Authentication runs on request, before the body is read or validated: an
 * anonymous caller learns nothing about the API beyond its 401, and a customer's admin call is 403.
 */
export function ordersRoutes(app: App, deps: OrdersDeps): void {
  const user = authenticate(deps.verifier);
  const doc = { tags: ['orders'], security: [{ bearer: [] }] };

  app.post(
    '/v1/orders',
    { onRequest: user, schema: { ...doc, summary: 'Place an order', headers: PlaceOrderHeaders, body: PlaceOrderBody, response: { 201: OrderSchema } } },
    async (request, reply) => {
      const input = { ...request.body, userId: actorOf(request).userId, idempotencyKey: request.headers['idempotency-key'] };
      const result = await placeOrder(input, deps, request.id);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      // Only successful creations are stored for replay, so the status is always 201.
      return reply.code(result.statusCode as 201).send(result.order);
    },
  );

  app.get(
    '/v1/orders',
    { onRequest: user, schema: { ...doc, summary: 'List orders, newest first', querystring: ListOrdersQuery, response: { 200: OrderPageSchema } } },
    async (request) => listOrders(request.query, actorOf(request), deps),
  );

  app.get(
    '/v1/orders/:id',
    { onRequest: user, schema: { ...doc, summary: 'One order', params: OrderIdParams, response: { 200: OrderSchema } } },
    async (request) => getOrder(request.params.id, actorOf(request), deps),
  );

  app.post(
    '/v1/orders/:id/cancel',
    { onRequest: user, schema: { ...doc, summary: 'Cancel a pending or confirmed order', params: OrderIdParams, response: { 200: OrderSchema } } },
    async (request) => cancelOrder(request.params.id, actorOf(request), deps, request.id),
  );

  app.patch(
    '/v1/orders/:id/status',
    {
      onRequest: [user, requireRole('admin')],
      schema: { ...doc, summary: "Move an order along its lifecycle (admin)", params: OrderIdParams, body: ChangeStatusBody, response: { 200: OrderSchema } },
    },
    async (request) => changeOrderStatus({ orderId: request.params.id, to: request.body.status, actor: actorOf(request) }, deps, request.id),
  );
}
