// LiveKit's own server SDK (livekit-server-sdk) as the independent party of the LiveKit tests, over HTTP on loopback:
//   POST /sdk/verify        { token, apiKey?, apiSecret? }            -> the SDK TokenVerifier's claims (401 { error } if refused)
//   POST /sdk/webhook       { event | rawBody, apiKey?, apiSecret?, ttl? } -> { body, token }: a webhook signed the way
//                           LiveKit signs them (an AccessToken with sha256 = base64(SHA-256(body))); event goes through
//                           the SDK's WebhookEvent (protobuf JSON), rawBody is signed as given
//   POST /twirp/livekit.RoomService/{DeleteRoom|ListParticipants|RemoveParticipant}
//                           a fake RoomService: the bearer admin token is checked with the SDK's TokenVerifier and the
//                           grants LiveKit's RoomService requires (roomCreate to delete, roomAdmin on the room otherwise)
//   POST /control           { rooms?, failNext?, failStatus?, delayMs? } sets the fake's rooms and faults; GET /control/calls
// Key and secret: LIVEKIT_API_KEY, LIVEKIT_API_SECRET. Port: the first argument. Prints "listening" when ready.
import { createServer } from 'node:http';
import { AccessToken, TokenVerifier, WebhookEvent } from 'livekit-server-sdk';
import { createHash } from 'node:crypto';

const apiKey = process.env.LIVEKIT_API_KEY;
const apiSecret = process.env.LIVEKIT_API_SECRET;
const port = Number(process.argv[2]);

let rooms = {};
let failNext = 0;
let failStatus = 503;
let delayMs = 0;
let calls = [];

const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const read = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

async function roomService(method, req, res, text) {
  const call = { method, body: null, grants: null, error: null };
  calls.push(call);
  try {
    call.body = JSON.parse(text);
  } catch {
    call.error = 'bad json';
    return send(res, 400, { code: 'malformed', msg: 'body is not JSON' });
  }
  const auth = req.headers.authorization ?? '';
  if (!auth.startsWith('Bearer ')) {
    call.error = 'no bearer token';
    return send(res, 401, { code: 'unauthenticated', msg: 'no bearer token' });
  }
  let claims;
  try {
    claims = await new TokenVerifier(apiKey, apiSecret).verify(auth.slice('Bearer '.length));
  } catch (e) {
    call.error = 'token refused: ' + e.message;
    return send(res, 401, { code: 'unauthenticated', msg: call.error });
  }
  call.grants = claims.video ?? {};
  const room = call.body.room;
  const allowed = method === 'DeleteRoom' ? call.grants.roomCreate === true : call.grants.roomAdmin === true && call.grants.room === room;
  if (!allowed) {
    call.error = 'permission denied';
    return send(res, 403, { code: 'permission_denied', msg: 'permissions denied' });
  }
  if (delayMs > 0) {
    await new Promise((r) => setTimeout(r, delayMs));
  }
  if (failNext > 0) {
    failNext -= 1;
    call.error = 'injected failure';
    return send(res, failStatus, { code: 'unavailable', msg: 'injected failure' });
  }
  const participants = rooms[room];
  if (participants === undefined) {
    return send(res, 404, { code: 'not_found', msg: 'room not found' });
  }
  switch (method) {
    case 'DeleteRoom':
      delete rooms[room];
      return send(res, 200, {});
    case 'ListParticipants':
      return send(res, 200, { participants: participants.map((identity) => ({ sid: 'PA_' + identity.slice(0, 8), identity, name: identity, state: 'ACTIVE' })) });
    case 'RemoveParticipant': {
      const index = participants.indexOf(call.body.identity);
      if (index < 0) {
        return send(res, 404, { code: 'not_found', msg: 'participant not found' });
      }
      participants.splice(index, 1);
      return send(res, 200, {});
    }
    default:
      return send(res, 404, { code: 'bad_route', msg: 'no such method' });
  }
}

async function webhook(body) {
  const text = body.rawBody ?? WebhookEvent.fromJson(body.event).toJsonString();
  const token = new AccessToken(body.apiKey ?? apiKey, body.apiSecret ?? apiSecret, { ttl: body.ttl ?? '5m' });
  token.sha256 = createHash('sha256').update(text, 'utf8').digest('base64');
  return { body: text, token: await token.toJwt() };
}

createServer(async (req, res) => {
  try {
    const text = await read(req);
    const path = new URL(req.url, 'http://localhost').pathname;
    if (req.method === 'POST' && path.startsWith('/twirp/livekit.RoomService/')) {
      return await roomService(path.slice('/twirp/livekit.RoomService/'.length), req, res, text);
    }
    if (req.method === 'POST' && path === '/sdk/verify') {
      const body = JSON.parse(text);
      try {
        return send(res, 200, await new TokenVerifier(body.apiKey ?? apiKey, body.apiSecret ?? apiSecret).verify(body.token));
      } catch (e) {
        return send(res, 401, { error: e.message });
      }
    }
    if (req.method === 'POST' && path === '/sdk/webhook') {
      return send(res, 200, await webhook(JSON.parse(text)));
    }
    if (req.method === 'POST' && path === '/control') {
      const body = JSON.parse(text || '{}');
      if (body.rooms !== undefined) rooms = body.rooms;
      failNext = body.failNext ?? 0;
      failStatus = body.failStatus ?? 503;
      delayMs = body.delayMs ?? 0;
      calls = [];
      return send(res, 200, {});
    }
    if (req.method === 'GET' && path === '/control/calls') {
      return send(res, 200, calls);
    }
    return send(res, 404, { error: 'no such route' });
  } catch (e) {
    return send(res, 500, { error: String(e?.stack ?? e) });
  }
}).listen(port, '127.0.0.1', () => console.log('listening'));
