import { Type } from '@sinclair/typebox';

export const RoleSchema = Type.Union([Type.Literal('customer'), Type.Literal('admin')]);

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    roles: Type.Array(RoleSchema),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
export const Password = Type.String({ minLength: 10, maxLength: 128 });

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const SetRolesBody = Type.Object(
  { roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 2, uniqueItems: true }) },
  { additionalProperties: false },
);

export const UserIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
