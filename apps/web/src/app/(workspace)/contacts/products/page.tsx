import type { Metadata } from 'next';
import { ProductCatalogue } from '@/components/contacts/product-catalogue';
import { readFromEngine } from '@/lib/engine-server';
import { meResponseSchema } from '@/lib/session-user';

export const metadata: Metadata = { title: 'Products' };

/** /contacts/products: standard product codes with their aliases, and names from orders waiting to be mapped. */
export default async function ProductsPage() {
  const me = await readFromEngine('/api/auth/me', meResponseSchema);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Products</h1>
          <p className="page-subtitle">
            One code per product, so “iPhone15 Pro Max” in a chat, an order or a CRM is the same APL-IP15PM in orders, reports and the
            duplicate check.
          </p>
        </div>
      </div>
      <ProductCatalogue canEdit={me.ok && me.data.user.role !== 'support'} />
    </div>
  );
}
